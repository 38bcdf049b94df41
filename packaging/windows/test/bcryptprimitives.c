/* Test-only stand-in for Windows' bcryptprimitives.dll, which Wine 8.0
 * (Debian 12) lacks: Rust's standard library takes its random seeds from
 * ProcessPrng there (Windows 10 and 11 have it). Built beside jixiao.exe by
 * scripts/test.d/80-windows.sh for the Wine run only; never packed into the
 * zip. It hands the call to RtlGenRandom (advapi32's SystemFunction036),
 * which Wine has. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!SystemFunction036(data, n))
            return FALSE;
        data += n;
        len -= n;
    }
    return TRUE;
}
