//! Windows event logs (`.evtx`), streamed chunk by chunk through the evtx
//! crate. Chunks are self-contained, so a few are read at a time and
//! decoded in parallel; records keep file order. A record that does not
//! decode is returned as corrupt and the next one is read; a file whose
//! header is broken fails to open; a file cut short of the chunks its
//! header promises is reported once, after the records that could be read.

use std::fs::File;
use std::io;
use std::path::Path;
use std::sync::Arc;

use evtx::{EvtxChunkData, EvtxParser, IntoIterChunks, ParserSettings};
use rayon::prelude::*;

use super::reader::{Corrupt, Item, ItemStream, Position};
use super::Event;

/// Opens an EVTX file as a stream of events.
pub fn open(path: &Path) -> io::Result<ItemStream> {
    let settings = ParserSettings::new().num_threads(1);
    let parser = EvtxParser::from_path(path)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?
        .with_configuration(settings.clone());
    let truncation = truncation(path, parser.header().chunk_count)?;
    Ok(Box::new(EvtxRecords {
        chunks: parser.into_chunks(),
        settings: Arc::new(settings),
        next_index: 1,
        pending: Vec::new().into_iter(),
        truncation,
    }))
}

const FILE_HEADER: u64 = 4096;
const CHUNK: u64 = 65536;
/// Chunks decoded together: 512 KiB of log, a few thousand records.
const BATCH: usize = 8;

/// Why the file is shorter than its header says, if it is: a copy cut off
/// mid-transfer loses its last chunks, and the parser alone would just stop.
fn truncation(path: &Path, chunk_count: u16) -> io::Result<Option<String>> {
    let size = std::fs::metadata(path)?.len();
    let whole = size.saturating_sub(FILE_HEADER) / CHUNK;
    let partial = size.saturating_sub(FILE_HEADER) % CHUNK;
    Ok(if whole < u64::from(chunk_count) {
        Some(format!(
            "file is cut short: its header lists {chunk_count} chunks, the file holds {whole} whole ones; records past that are lost"
        ))
    } else if partial != 0 {
        Some(format!("file ends inside a chunk ({partial} stray bytes after the last whole chunk were not read)"))
    } else {
        None
    })
}

struct EvtxRecords {
    chunks: IntoIterChunks<File>,
    settings: Arc<ParserSettings>,
    next_index: usize,
    /// Records of the chunks being read; never more than one batch.
    pending: std::vec::IntoIter<Item>,
    /// Reported once, after the last readable record.
    truncation: Option<String>,
}

impl Iterator for EvtxRecords {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            if let Some(item) = self.pending.next() {
                return Some(item);
            }
            match self.next_batch() {
                Some(items) => self.pending = items.into_iter(),
                None => {
                    let reason = self.truncation.take()?;
                    return Some(Err(self.corrupt(None, reason)));
                }
            }
        }
    }
}

impl EvtxRecords {
    /// Decodes the next few chunks in parallel; `None` at the end of the
    /// file.
    fn next_batch(&mut self) -> Option<Vec<Item>> {
        let raw: Vec<_> = self.chunks.by_ref().take(BATCH).collect();
        if raw.is_empty() {
            return None;
        }
        let settings = &self.settings;
        let decoded: Vec<Vec<Decoded>> = raw
            .into_par_iter()
            .map(|chunk| match chunk {
                Ok(data) => decode(data, settings),
                Err(e) => vec![Err(format!("unreadable chunk: {e}"))],
            })
            .collect();
        let items = decoded
            .into_iter()
            .flatten()
            .map(|record| match record {
                Ok((id, event)) => Ok((self.position(Some(id)), event)),
                Err(reason) => Err(self.corrupt(None, reason)),
            })
            .collect();
        Some(items)
    }

    fn position(&mut self, record: Option<u64>) -> Position {
        let position = Position {
            index: self.next_index,
            line: 0,
            record,
        };
        self.next_index += 1;
        position
    }

    fn corrupt(&mut self, record: Option<u64>, reason: String) -> Corrupt {
        Corrupt {
            position: self.position(record),
            reason,
        }
    }
}

/// A record's id and event, or why it could not be read.
type Decoded = Result<(u64, Event), String>;

/// The records of one chunk, in order.
fn decode(mut data: EvtxChunkData, settings: &Arc<ParserSettings>) -> Vec<Decoded> {
    let mut chunk = match data.parse(Arc::clone(settings)) {
        Ok(chunk) => chunk,
        Err(e) => return vec![Err(format!("unreadable chunk: {e}"))],
    };
    chunk
        .iter()
        .map(|record| match record.and_then(|r| r.into_json_value()) {
            Ok(r) => Ok((r.event_record_id, Event::new(r.data))),
            Err(e) => Err(format!("unreadable record: {e}")),
        })
        .collect()
}
