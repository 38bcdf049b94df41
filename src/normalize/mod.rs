pub mod target;
pub mod text;
pub mod vocab;
