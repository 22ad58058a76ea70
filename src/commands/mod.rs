//! One module per command: each wires the library's stages together and
//! returns an exit status; none of them prints from deep inside a stage.

pub mod events;
pub mod lint;
pub mod scan;
pub mod test;
