//! The checks, one file per concern. Document checks look at one rule
//! document at a time (and run in parallel); library checks look across
//! documents and fixtures.

mod condition;
mod contract;
mod coverage;
mod false_positives;
mod fields;
mod fixture_sources;
mod ids;
mod references;
mod responses;

use super::diagnostic::Diagnostic;
use super::fields::Inventory;
use super::fixtures::Fixtures;
use super::registry::Registries;
use super::source::Doc;

/// What document checks may consult.
pub struct Context<'a> {
    pub registries: &'a Registries,
    pub inventory: &'a Inventory,
}

/// Every check that needs one document only.
pub fn document(ctx: &Context, doc: &Doc) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    contract::check(ctx, doc, &mut out);
    fields::check(ctx, doc, &mut out);
    responses::check(ctx, doc, &mut out);
    condition::check(doc, &mut out);
    out
}

/// Every check across the library and its fixtures.
pub fn library(docs: &[&Doc], fixtures: &Fixtures, registries: &Registries) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    fixture_sources::check(docs, fixtures, registries, &mut out);
    ids::check(docs, &mut out);
    references::check(docs, fixtures, &mut out);
    coverage::check(docs, fixtures, &mut out);
    false_positives::check(docs, fixtures, &mut out);
    out
}
