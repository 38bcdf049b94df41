fn main() {
    std::process::exit(jixiao::cli::main());
}
