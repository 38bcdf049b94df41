// mimalloc: ~6% faster on the allocation-heavy per-file path than the system
// allocator (docs/performance.md), at ~15 MB more peak RSS.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(jixiao::cli::main());
}
