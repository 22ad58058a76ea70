//! firedrill: fire drills for detections.
//!
//! The pipeline, one module a stage: [`yaml`] reads files with positions,
//! [`sigma`] parses and compiles Sigma rules and matches them against
//! [`event`]s, [`detection`] adds the product contract around a rule,
//! [`fixture`] reads labelled logs, [`replay`] runs detections over fixtures
//! in parallel and classifies every alert, [`snapshot`] keeps alerts as
//! reviewable files, and [`report`] renders one result model for people and
//! machines. The binary in `main.rs` only wires these together.

pub mod event;
pub mod sigma;
pub mod yaml;
