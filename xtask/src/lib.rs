//! Library side of `cargo xtask`: what the benchmarks share with the command line.

pub mod changes;
pub mod synth;
