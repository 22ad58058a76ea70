//! Micro-benchmarks of the engine's three costs: compiling rules, reading
//! an event, and matching events against a rule set. Inputs are built in
//! the file (SigmaHQ-shaped rules with varied literals, Sysmon-shaped
//! events) so the numbers do not depend on a corpus being present; the
//! whole-corpus comparison lives in `firedrill scan` timings.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use firedrill::event::Event;
use firedrill::sigma::{CompileOptions, Rule, RuleSet};
use firedrill::yaml::parse_documents;

const RULES: usize = 500;

/// A process-creation rule in the shapes SigmaHQ uses most, with literals
/// that differ per `i` so the prefilter sees many distinct texts.
fn rule_text(i: usize) -> String {
    format!(
        "title: bench {i}\nlogsource: {{product: windows, category: process_creation}}\n\
         detection:\n  img:\n    Image|endswith: '\\tool{i}.exe'\n    OriginalFileName: 'tool{i}.exe'\n\
         \x20 cli:\n    CommandLine|contains|all:\n      - ' -flag{i} '\n      - 'hidden'\n\
         \x20 filter:\n    ParentImage|startswith: 'C:\\Program Files\\'\n\
         \x20 condition: (img or cli) and not filter\n"
    )
}

fn compile(text: &str) -> Option<Rule> {
    let docs = parse_documents(text).ok()?;
    Rule::from_node(docs.first()?, &CompileOptions::default()).ok()
}

fn event_line(i: usize) -> String {
    format!(
        r#"{{"EventID": 1, "Channel": "Microsoft-Windows-Sysmon/Operational", "Image": "C:\\Windows\\System32\\tool{i}.exe", "CommandLine": "tool{i}.exe -flag{i} hidden -x", "ParentImage": "C:\\Windows\\explorer.exe", "User": "HOST\\alice", "Hashes": "SHA1=DF21EC2A3D7EE2AE853C29CBD8AB774A78ED7BF4", "ProcessId": 4242, "@timestamp": "2024-05-01T10:00:00Z"}}"#
    )
}

fn parse(line: &str) -> Option<Event> {
    serde_json::from_str(line).ok().map(Event::new)
}

fn bench_compile(c: &mut Criterion) {
    let texts: Vec<String> = (0..RULES).map(rule_text).collect();
    c.bench_function("compile 500 rules", |b| {
        b.iter(|| texts.iter().filter_map(|t| compile(t)).count())
    });
    let rules: Vec<Rule> = texts.iter().filter_map(|t| compile(t)).collect();
    let refs: Vec<&Rule> = rules.iter().collect();
    c.bench_function("build rule set of 500", |b| {
        b.iter(|| RuleSet::new(black_box(&refs)).len())
    });
}

fn bench_parse(c: &mut Criterion) {
    let line = event_line(7);
    c.bench_function("parse one event", |b| b.iter(|| parse(black_box(&line))));
}

fn bench_match(c: &mut Criterion) {
    let rules: Vec<Rule> = (0..RULES).filter_map(|i| compile(&rule_text(i))).collect();
    let refs: Vec<&Rule> = rules.iter().collect();
    let set = RuleSet::new(&refs);
    let events: Vec<Event> = [7, 100_000]
        .iter()
        .filter_map(|&i| parse(&event_line(i)))
        .collect();
    let mut candidates = Vec::new();
    c.bench_function("match 2 events, every rule", |b| {
        b.iter(|| {
            let hits = events
                .iter()
                .map(|e| rules.iter().filter(|r| r.matches(e)).count());
            hits.sum::<usize>()
        })
    });
    c.bench_function("match 2 events, prefiltered", |b| {
        b.iter(|| {
            let mut hits = 0;
            for event in &events {
                set.candidates(event, &mut candidates);
                hits += candidates
                    .iter()
                    .filter(|&&i| rules[i].matches(event))
                    .count();
            }
            hits
        })
    });
}

criterion_group! {
    name = engine;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(std::time::Duration::from_millis(300))
        .measurement_time(std::time::Duration::from_secs(1));
    targets = bench_compile, bench_parse, bench_match
}
criterion_main!(engine);
