//! firedrill: fire drills for detections.
//!
//! The pipeline, one module a stage: [`yaml`] reads files with positions,
//! [`sigma`] parses and compiles Sigma rules and matches them against
//! [`event`]s, [`detection`] adds the product contract around a rule,
//! [`fixture`] reads labelled logs, [`replay`] runs detections over fixtures
//! in parallel and classifies every alert, [`snapshot`] keeps alerts as
//! reviewable files, and [`report`] renders one result model for people and
//! machines. [`commands`] wires the stages together for each command of the
//! binary; [`problem`] and [`exit`] are how bad input and outcomes reach
//! the user.

pub mod cli;
pub mod commands;
pub mod detection;
pub mod event;
pub mod exit;
pub mod fixture;
pub mod lint;
pub mod logsource;
pub mod paths;
pub mod problem;
pub mod regression;
pub mod replay;
pub mod report;
pub mod sigma;
pub mod snapshot;
pub mod yaml;
