//! `firedrill events`: print events the way rules see them, one JSON line
//! each. It answers "which field names does this log really have?", the
//! first question when a rule does not match, and turns EVTX into flat
//! JSON lines that any other tool can read.

use std::io::{self, Write};

use crate::cli::EventsArgs;
use crate::event::reader;
use crate::exit::Status;

/// Streams every event of every file to standard output.
pub fn run(args: &EventsArgs) -> Status {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut status = Status::Passed;
    for path in &args.logs {
        let stream = match reader::open(path) {
            Ok(stream) => stream,
            Err(e) => {
                eprintln!("firedrill: {}: cannot open log: {e}", path.display());
                status = Status::BadInput;
                continue;
            }
        };
        for item in stream {
            match item {
                Ok((_, event)) => {
                    let written = serde_json::to_writer(&mut out, event.root())
                        .map_err(io::Error::from)
                        .and_then(|()| out.write_all(b"\n"));
                    if written.is_err() {
                        // The reader went away (`| head`): not an error.
                        return status;
                    }
                }
                Err(corrupt) => {
                    let p = corrupt.position;
                    eprintln!(
                        "firedrill: {}: record {} skipped: {}",
                        path.display(),
                        p.index,
                        corrupt.reason
                    );
                    status = Status::BadInput;
                }
            }
        }
    }
    let _ = out.flush();
    status
}
