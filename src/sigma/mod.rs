//! The Sigma engine: parse, then compile, then match. (Being written.)
