//! Damaged EVTX files must be read as far as they can be, with the damage
//! reported, and never crash the run. The samples live in `../shared`
//! (absent on a user's clone), so this test is ignored by default;
//! `.ci/shared-checks` runs it with `--ignored`.

use std::path::{Path, PathBuf};

use firedrill::event::reader;

const SAMPLES: &str = "../shared/corpora/evtx-attack-samples";

fn samples() -> Vec<PathBuf> {
    let pattern = format!("{SAMPLES}/**/*.evtx");
    let mut files: Vec<PathBuf> = glob::glob(&pattern)
        .into_iter()
        .flatten()
        .flatten()
        .collect();
    files.sort();
    files
}

/// A small deterministic generator, so a failure can be replayed.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn damage(bytes: &mut [u8], rng: &mut XorShift, flips: usize) {
    for _ in 0..flips {
        let at = (rng.next() as usize) % bytes.len();
        bytes[at] = rng.next() as u8;
    }
}

fn read_all(path: &Path) -> (usize, usize) {
    match reader::open(path) {
        Ok(stream) => stream.fold((0, 0), |(ok, bad), item| match item {
            Ok(_) => (ok + 1, bad),
            Err(_) => (ok, bad + 1),
        }),
        Err(_) => (0, 1),
    }
}

#[test]
#[ignore = "needs ../shared/corpora/evtx-attack-samples"]
fn damaged_evtx_files_are_read_without_crashing() {
    let files = samples();
    assert!(!files.is_empty(), "no samples under {SAMPLES}");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut rng = XorShift(0x5eed_f12e_d111);
    let rounds: usize = std::env::var("EVTX_DAMAGE_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let (mut events, mut damaged) = (0, 0);
    for (i, file) in files.iter().enumerate() {
        let original = std::fs::read(file).expect("read sample");
        for round in 0..rounds {
            let mut bytes = original.clone();
            // Past the 4 KiB file header, so chunk and record damage is tested.
            let body = bytes.len().saturating_sub(4096);
            if body == 0 {
                continue;
            }
            damage(&mut bytes[4096..], &mut rng, 1 + round * 8);
            let path = dir.path().join(format!("{i}-{round}.evtx"));
            std::fs::write(&path, &bytes).expect("write damaged copy");
            let (ok, bad) = read_all(&path);
            events += ok;
            damaged += bad;
        }
    }
    eprintln!(
        "{} files x {rounds} rounds: {events} events read, {damaged} damaged items reported",
        files.len()
    );
    assert!(events > 0);
}

#[test]
#[ignore = "needs ../shared/corpora/evtx-attack-samples"]
fn a_cut_short_evtx_file_reports_the_loss() {
    let files = samples();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut checked = 0;
    for (i, file) in files.iter().enumerate() {
        let bytes = std::fs::read(file).expect("read sample");
        // Files of two chunks or more, cut inside the second chunk.
        if bytes.len() < 4096 + 2 * 65536 {
            continue;
        }
        let cut = dir.path().join(format!("{i}.evtx"));
        std::fs::write(&cut, &bytes[..4096 + 65536 + 1000]).expect("write cut copy");
        let (whole, _) = read_all(file);
        let (ok, bad) = read_all(&cut);
        assert!(ok < whole, "{}: the cut copy lost nothing?", file.display());
        assert!(bad >= 1, "{}: the loss was not reported", file.display());
        checked += 1;
    }
    assert!(checked > 0, "no sample had two chunks");
}

/// A file of the same chunks repeated (as `benches/big_evtx.py` makes):
/// the header's chunk count and checksum are rewritten, nothing else.
fn repeat_chunks(sample: &[u8], copies: usize) -> Vec<u8> {
    const HEADER: usize = 4096;
    const CHUNK: usize = 65536;
    let used = usize::from(u16::from_le_bytes([sample[42], sample[43]]));
    let chunks = &sample[HEADER..HEADER + used * CHUNK];
    let total = u16::try_from(used * copies).expect("fits the format");
    let mut header = sample[..HEADER].to_vec();
    header[8..16].copy_from_slice(&0u64.to_le_bytes());
    header[16..24].copy_from_slice(&u64::from(total - 1).to_le_bytes());
    header[42..44].copy_from_slice(&total.to_le_bytes());
    let crc = crc32(&header[..120]);
    header[124..128].copy_from_slice(&crc.to_le_bytes());
    let mut out = header;
    for _ in 0..copies {
        out.extend_from_slice(chunks);
    }
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
        }
    }
    !crc
}

#[test]
#[ignore = "needs ../shared/corpora/evtx-attack-samples"]
fn chunks_decoded_together_keep_file_order() {
    let sample = Path::new(SAMPLES).join("Privilege Escalation/Sysmon_UACME_64.evtx");
    let once: Vec<u64> = record_ids(&sample);
    assert!(!once.is_empty());
    let dir = tempfile::tempdir().expect("temp dir");
    let big = dir.path().join("big.evtx");
    let bytes = std::fs::read(&sample).expect("sample");
    // 12 chunks a copy, so 5 copies span several decoding batches.
    std::fs::write(&big, repeat_chunks(&bytes, 5)).expect("write");
    let items: Vec<_> = reader::open(&big).expect("opens").collect();
    let indexes: Vec<usize> = items
        .iter()
        .map(|item| item.as_ref().expect("no corrupt record").0.index)
        .collect();
    assert_eq!(indexes, (1..=once.len() * 5).collect::<Vec<_>>());
    let ids: Vec<u64> = items
        .iter()
        .filter_map(|item| item.as_ref().ok()?.0.record)
        .collect();
    assert_eq!(ids, once.repeat(5));
}

fn record_ids(path: &Path) -> Vec<u64> {
    reader::open(path)
        .expect("opens")
        .map(|item| item.expect("no corrupt record").0.record.expect("an id"))
        .collect()
}
