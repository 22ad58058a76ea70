//! `firedrill scan`: the engine's primitive. Rules in, one JSON line per
//! alert out, from log files or standard input.
//!
//! Output is streamed chunk by chunk and is the same on every run: files in
//! the order given (a folder's files sorted), events in file order, rules
//! by id for one event. That makes it safe to run per partition under a
//! batch system and to diff between runs.

use std::io::{self, BufReader, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;

use crate::cli::ScanArgs;
use crate::detection::{load_library, placeholders, Detection};
use crate::event::reader::{self, Chunk, Format, PendingStream, Position, Records};
use crate::event::Event;
use crate::exit::Status;
use crate::logsource::{Gate, LogsourceMap};
use crate::problem::{Problem, Skipped};
use crate::sigma::RuleSet;

/// Records per chunk: enough to keep every core busy, few enough that
/// memory stays flat whatever the size of the file.
const CHUNK: usize = 4096;
/// An EVTX event holds its nested original and the flat view, about four
/// times a flat JSON event in memory, so its chunks are smaller.
const EVTX_CHUNK: usize = 1024;

/// One log being scanned.
struct Log {
    name: String,
    stream: PendingStream,
    chunk: usize,
}

/// The compiled rules and the logsource map they are gated by.
struct Engine<'a> {
    rules: &'a [&'a Detection],
    /// The same rules, for finding the few each event can match.
    set: RuleSet,
    logsources: &'a LogsourceMap,
}

/// One alert line.
#[derive(Serialize)]
struct AlertLine<'a> {
    rule_id: &'a str,
    rule_title: &'a str,
    level: Option<&'a str>,
    source: &'a str,
    event: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    record_id: Option<u64>,
    timestamp: Option<&'a Value>,
}

/// Runs the scan, writing alerts to stdout and problems to stderr.
pub fn run(args: &ScanArgs) -> Status {
    let (options, mut problems) =
        placeholders::compile_options(&args.rules, args.placeholders.as_deref());
    let mut library = load_library(&args.rules, &options);
    if args.no_logsource_gating {
        library.ungate();
    }
    problems.append(&mut library.problems);
    if library.detections.is_empty() && problems.is_empty() {
        // A scan with nothing to look for must not pass for a clean one.
        let message = "no rules found: nothing would be looked for";
        problems.push(Problem::new(&args.rules, None, Skipped::Detection, message));
    }
    let mut rules: Vec<&Detection> = library.detections.iter().collect();
    rules.sort_by(|a, b| a.key.cmp(&b.key));

    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut alerts = 0usize;
    let compiled: Vec<_> = rules.iter().map(|d| &d.rule).collect();
    let renames = match args.no_logsource_gating {
        true => Vec::new(),
        false => library.logsources.renames(),
    };
    let set = RuleSet::with_aliases(&compiled, &renames);
    let engine = Engine {
        rules: &rules,
        set,
        logsources: &library.logsources,
    };
    let scanned = scan_sources(args, &engine, &mut out, &mut problems, &mut alerts);
    let closed = matches!(&scanned, Err(e) if e.kind() == io::ErrorKind::BrokenPipe);
    let _ = out.flush();
    if closed {
        return Status::Passed;
    }
    report_problems(&problems, rules.len(), alerts);
    if problems.is_empty() && scanned.is_ok() {
        Status::Passed
    } else {
        Status::BadInput
    }
}

fn scan_sources(
    args: &ScanArgs,
    engine: &Engine,
    out: &mut impl Write,
    problems: &mut Vec<Problem>,
    alerts: &mut usize,
) -> io::Result<()> {
    if args.logs.is_empty() {
        let input = BufReader::new(io::stdin());
        let log = Log {
            name: "-".to_string(),
            stream: Box::new(Records::new(input, Format::JsonLines)),
            chunk: CHUNK,
        };
        return stream_log(log, engine, out, problems, alerts);
    }
    let files = log_files(&args.logs, problems);
    let mut rest = files.as_slice();
    while let Some(first) = rest.first() {
        let small = small_run(rest);
        if small == 0 {
            if let Some(log) = open_log(first, problems) {
                stream_log(log, engine, out, problems, alerts)?;
            }
            rest = &rest[1..];
            continue;
        }
        // Small files are scanned several at a time, each into memory,
        // and written in order: a folder of short samples keeps every
        // core busy instead of one file's few chunks.
        let scans: Vec<Scanned> = rest[..small]
            .par_iter()
            .map(|path| scan_whole(path, engine))
            .collect();
        for scanned in scans {
            problems.extend(scanned.problems);
            *alerts += scanned.alerts;
            out.write_all(&scanned.text)?;
        }
        rest = &rest[small..];
    }
    Ok(())
}

/// A file of at most this many bytes is scanned whole, beside others.
const SMALL_FILE: u64 = 8 << 20;
/// Small files scanned together hold at most this many bytes of log.
const SMALL_BATCH: u64 = 64 << 20;

/// How many of the first files are small enough to scan together.
fn small_run(files: &[PathBuf]) -> usize {
    let mut total = 0;
    files
        .iter()
        .map(|path| std::fs::metadata(path).map_or(u64::MAX, |m| m.len()))
        .take_while(|&size| {
            total += size.min(SMALL_BATCH);
            size <= SMALL_FILE && total <= SMALL_BATCH
        })
        .count()
}

fn open_log(path: &Path, problems: &mut Vec<Problem>) -> Option<Log> {
    let chunk = match Format::from_path(path) {
        Format::Evtx => EVTX_CHUNK,
        Format::Json | Format::JsonLines => CHUNK,
    };
    match reader::open_pending(path) {
        Ok(stream) => Some(Log {
            name: path.display().to_string(),
            stream,
            chunk,
        }),
        Err(e) => {
            let message = format!("cannot open log: {e}");
            problems.push(Problem::new(path, None, Skipped::Fixture, message));
            None
        }
    }
}

/// The files named, with folders expanded to their log files, sorted.
fn log_files(paths: &[PathBuf], problems: &mut Vec<Problem>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let suffixes = [".json", ".jsonl", ".ndjson", ".evtx"];
            let listing = crate::paths::find(path, &suffixes);
            let (found, unreadable) = listing.into_parts(Skipped::Fixture);
            files.extend(found);
            problems.extend(unreadable);
        } else if path.exists() {
            files.push(path.clone());
        } else {
            problems.push(Problem::new(
                path,
                None,
                Skipped::Fixture,
                "log file not found",
            ));
        }
    }
    files
}

/// What scanning one file produced.
#[derive(Default)]
struct Scanned {
    text: Vec<u8>,
    alerts: usize,
    problems: Vec<Problem>,
}

/// Scans a small file into memory.
fn scan_whole(path: &Path, engine: &Engine) -> Scanned {
    let mut scanned = Scanned::default();
    if let Some(log) = open_log(path, &mut scanned.problems) {
        let chunks = reader::chunks(log.stream, log.chunk);
        let Scanned {
            text,
            alerts,
            problems,
        } = &mut scanned;
        // Writing to memory cannot fail.
        let _ = write_alerts(&log.name, chunks, engine, text, problems, alerts);
    }
    scanned
}

/// Scans a log chunk by chunk, writing each chunk's alerts as it goes.
fn stream_log(
    log: Log,
    engine: &Engine,
    out: &mut impl Write,
    problems: &mut Vec<Problem>,
    alerts: &mut usize,
) -> io::Result<()> {
    let chunks = read_ahead(log.stream, log.chunk);
    write_alerts(&log.name, chunks, engine, out, problems, alerts)
}

/// Writes the alerts of each chunk in turn, counting them.
fn write_alerts(
    source: &str,
    chunks: impl Iterator<Item = Chunk>,
    engine: &Engine,
    out: &mut impl Write,
    problems: &mut Vec<Problem>,
    alerts: &mut usize,
) -> io::Result<()> {
    for chunk in chunks {
        let text = scan_chunk(source, chunk, engine, problems);
        *alerts += text.lines().count();
        out.write_all(text.as_bytes())?;
    }
    Ok(())
}

/// The alert lines of a chunk's events, in event order; its corrupt
/// records go to `problems`.
fn scan_chunk(source: &str, chunk: Chunk, engine: &Engine, problems: &mut Vec<Problem>) -> String {
    for corrupt in chunk.corrupt {
        problems.push(corrupt_problem(source, corrupt.position, &corrupt.reason));
    }
    // Consumed, so each event is also freed on the worker that matched it.
    let lines: Vec<String> = chunk
        .events
        .into_par_iter()
        .map_init(Vec::new, |candidates, (pos, event)| {
            alert_lines(source, engine, candidates, pos, &event)
        })
        .collect();
    lines.concat()
}

/// Cuts the log into chunks on a thread of its own, one chunk ahead, so
/// that reading overlaps matching (the chunk's records are parsed in the
/// worker pool); memory stays at three chunks.
fn read_ahead(stream: PendingStream, size: usize) -> impl Iterator<Item = Chunk> {
    let (send, receive) = std::sync::mpsc::sync_channel(1);
    let reader = std::thread::spawn(move || {
        for chunk in reader::chunks(stream, size) {
            if send.send(chunk).is_err() {
                break;
            }
        }
    });
    let mut reader = Some(reader);
    let mut chunks = receive.into_iter();
    std::iter::from_fn(move || {
        let next = chunks.next();
        if next.is_none() {
            // A reader that panicked must not pass for a finished file.
            if let Some(Err(panic)) = reader.take().map(|r| r.join()) {
                std::panic::resume_unwind(panic);
            }
        }
        next
    })
}

/// The alert lines of one event, newline-terminated, in rule order.
fn alert_lines(
    source: &str,
    engine: &Engine,
    candidates: &mut Vec<usize>,
    pos: Position,
    event: &Event,
) -> String {
    let mut text = String::new();
    // Classified only when a gated rule is a candidate.
    let view = std::cell::OnceCell::new();
    engine.set.candidates(event, candidates);
    for rule in candidates.iter().map(|&i| engine.rules[i]) {
        let hit = match &rule.gate {
            Gate::Ungated => rule.rule.matches(event),
            gate => {
                let view = view.get_or_init(|| engine.logsources.view(event));
                gate.matching(&rule.rule, view).is_some()
            }
        };
        if !hit {
            continue;
        }
        let line = AlertLine {
            rule_id: &rule.key,
            rule_title: &rule.rule.title,
            level: rule.rule.level.as_deref(),
            source,
            event: pos.index,
            record_id: pos.record,
            timestamp: event.timestamp(),
        };
        if let Ok(json) = serde_json::to_string(&line) {
            text.push_str(&json);
            text.push('\n');
        }
    }
    text
}

fn corrupt_problem(source: &str, pos: Position, reason: &str) -> Problem {
    let line = (pos.line > 0).then_some(crate::yaml::Pos {
        line: pos.line,
        col: 1,
    });
    let message = format!("record {} skipped: {reason}", pos.index);
    Problem::new(Path::new(source), line, Skipped::Record, message)
}

fn report_problems(problems: &[Problem], rules: usize, alerts: usize) {
    let mut err = io::stderr().lock();
    for problem in problems {
        let _ = writeln!(err, "firedrill: {problem}");
    }
    let skipped_rules = problems
        .iter()
        .filter(|p| p.skipped == Skipped::Detection)
        .count();
    let records = problems
        .iter()
        .filter(|p| p.skipped == Skipped::Record)
        .count();
    let _ = writeln!(
        err,
        "firedrill: {rules} rules loaded, {skipped_rules} rule problems, {records} corrupt records, {alerts} alerts"
    );
}
