//! OLE2 (compound file) containers: one leniency the `cfb` crate lacks.
//!
//! Some writers fill the unused tail of the last FAT sector with
//! end-of-chain marks instead of "free" (Apache POI's `47950_*.doc`, from
//! an unknown Word-compatible writer). Those entries describe sectors past
//! the end of the file, which no stream can use, but `cfb` refuses the
//! whole file ("FAT has 128 entries, but file has only 52 sectors"): it
//! forgives zeros and free marks there, not end-of-chain marks.

const FREE: u32 = 0xFFFF_FFFF;
const FAT_SECTOR: u32 = 0xFFFF_FFFD;
const DIFAT_SECTOR: u32 = 0xFFFF_FFFC;
/// FAT sectors listed in the header itself (files up to ~7 MB with
/// 512-byte sectors); a FAT continued in DIFAT sectors is left as it is.
const HEADER_DIFAT: usize = 109;

/// A copy of `bytes` whose FAT entries past the end of the file are marked
/// free, when one of them is a mark `cfb` would refuse; `None` otherwise
/// (the usual case: no copy is made). Work is bounded by the header's 109
/// FAT sectors.
pub fn fat_tail_freed(bytes: &[u8]) -> Option<Vec<u8>> {
    if bytes.len() < 512 || bytes[..8] != [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] {
        return None;
    }
    let u16_at = |at: usize| u16::from_le_bytes([bytes[at], bytes[at + 1]]);
    let u32_at = |b: &[u8], at: usize| -> Option<u32> {
        Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
    };
    let sector_len: usize = match u16_at(30) {
        9 => 512,
        12 => 4096,
        _ => return None,
    };
    // As `cfb` counts them: every sector after the header, the last one
    // possibly partial.
    let num_sectors = bytes.len().div_ceil(sector_len) - 1;
    let per_sector = sector_len / 4;
    let num_fat = (u32_at(bytes, 44)? as usize).min(HEADER_DIFAT);
    // Byte offsets of the FAT entries to rewrite.
    let mut to_free = Vec::new();
    for i in 0..num_fat {
        let sector = u32_at(bytes, 76 + 4 * i)? as usize;
        let start = (sector + 1).checked_mul(sector_len)?;
        let fat = bytes.get(start..start.checked_add(sector_len)?)?;
        for e in 0..per_sector {
            let index = i * per_sector + e;
            let value = u32_at(fat, 4 * e)?;
            if index >= num_sectors && !matches!(value, 0 | FREE | FAT_SECTOR | DIFAT_SECTOR) {
                to_free.push(start + 4 * e);
            }
        }
    }
    if to_free.is_empty() {
        return None;
    }
    let mut fixed = bytes.to_vec();
    for at in to_free {
        fixed[at..at + 4].copy_from_slice(&FREE.to_le_bytes());
    }
    Some(fixed)
}
