//! `cargo xtask bench`: our stack, nghttp2 and hyperium h2 side by side on the same
//! in-memory workloads (issue 9).
//!
//! Every stack runs client and server in this process and moves the bytes in memory.
//! Runs are interleaved (run 1 of every workload on every stack, then run 2, ...), so slow
//! phases of a noisy machine spread over all stacks and the ratios hold; the table shows
//! the median of the runs. Each workload verifies what it receives (every response, status
//! 200, exact body bytes, exact byte totals) and aborts the whole bench on a failed check.
//!
//! `cargo xtask` is a debug build; the bench re-runs itself as
//! `cargo run --release --package xtask -- bench ARGS` (set `XTASK_BENCH_ANY_PROFILE=1`
//! to skip that, e.g. to debug the harness itself).
//!
//! Rows (issue "Performance II": like-for-like API paths). W1 and W3 run on each stack's
//! default path only: "ours (plain API)" (`data_to_send()` -> `receive_data(&out)`),
//! "nghttp2 (default)" (the data provider copies into nghttp2's buffer) and hyperium-h2.
//! W2 also runs on the variant rows: "ours (plain API, slice input)"
//! (`receive_data(&out[..])`, which copies), "ours (plain API, 64 KiB into)"
//! (`data_to_send_into` a fixed 64 KiB buffer), "ours (zero-copy API)"
//! (`data_to_send_vectored` -> `receive_vectored`, no payload copy), "nghttp2 (NO_COPY, 1
//! copy)" (a `send_data_callback` appends header + payload to a socket buffer) and
//! "nghttp2 (NO_COPY, writev)" (header + payload pointers, no payload copy); see
//! `ours.rs` and `nghttp2.rs` for exactly what each does. The memcpy rows copy the W2
//! payload once through a buffer of the frame size (the copy nghttp2's default path
//! makes, into a frame buffer that stays in L1 with 16 KiB frames), and through a buffer
//! of one exchange's output (256 KiB, or the frame when larger: the limit of an API that
//! returns all pending output in one buffer, as our `data_to_send()` does). Under the
//! table: the ratios of matching paths, and our plain path's allocations per API call in
//! W2.
//!
//! W4 (issue 18), "W4-100x1M": 100 downloads of 1 MiB at once on one connection through
//! each stack's buffered / pulled body path: "ours (plain API)" registers a `BodySource`
//! per stream with `queue_source`, "ours (plain API, queue_data)" queues each whole body
//! with `queue_data`, "nghttp2 (default)" answers with `nghttp2_submit_response2` and a
//! read callback. The slice input and zero-copy rows of ours run it too (same bodies,
//! their output/input calls). 16 MiB windows, 16 KiB frames; the server hands over at
//! most 64 KiB per round (ours: one `data_to_send()`, which frames `WRITE_BATCH` of queued
//! DATA; nghttp2: whole frames up to that much). hyperium-h2 does not run W4/TTFB (n/a).
//!
//! TTFB (issue 18): 99 such downloads, and once the client has received 1/8 of their bytes
//! it sends one more GET with `priority: u=0` (RFC 9218) for 16 KiB. Measured: the
//! background payload bytes the client received between submitting it and the first byte
//! of its body (deterministic), and the wall time between the same two points. Printed in
//! a table of its own under the main one.
//!
//! Options: `--runs N` (default 5), `--quick` (every workload 10x smaller, for smoke
//! runs), `--only W1,W2-1M,W4,TTFB` (workloads; `W2` selects both W2 variants), `--stacks
//! nghttp2,hyper` (stack name prefixes), `--lto` (build the bench with `lto = "fat"` and
//! `codegen-units = 1`, in `target/lto`: what a user who sets those in their own release
//! profile gets; without it the bench is built as a default release profile builds a
//! dependent crate, which is what the README's main table reports).

mod alloc_count;
mod hyper_h2;
mod nghttp2;
mod ours;
mod workload;

use std::process::Command;

use workload::{Bulk, Failure, Requests, Sample, Stack};

const USAGE: &str = "usage: cargo xtask bench [--runs N] [--quick] [--lto] \
                     [--only W1,W2,W2-16K,W2-1M,W3,W4,TTFB] [--stacks ours,nghttp2,hyperium-h2]";

/// Set by [`rerun_in_release`] for a `--lto` build, so the report can say how it was built.
const LTO_MARK: &str = "XTASK_BENCH_LTO";

/// The workload columns.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Id {
    W1,
    W2Small,
    W2Large,
    W3,
    /// 100 concurrent 1 MiB downloads.
    W4,
    /// An urgent request behind 99 downloads; not a column of the main table.
    Ttfb,
}

impl Id {
    const ALL: [Id; 6] = [Id::W1, Id::W2Small, Id::W2Large, Id::W3, Id::W4, Id::Ttfb];

    fn name(self) -> &'static str {
        match self {
            Id::W1 => "W1",
            Id::W2Small => "W2-16K",
            Id::W2Large => "W2-1M",
            Id::W3 => "W3",
            Id::W4 => "W4-100x1M",
            Id::Ttfb => "TTFB",
        }
    }

    fn unit(self) -> &'static str {
        match self {
            Id::W1 | Id::W3 => "req/s",
            Id::W2Small | Id::W2Large | Id::W4 | Id::Ttfb => "GB/s",
        }
    }

    /// W2: one stream (with the memcpy row).
    fn is_bulk(self) -> bool {
        matches!(self, Id::W2Small | Id::W2Large)
    }

    /// W4 and TTFB: many streams on the buffered send path.
    fn is_many(self) -> bool {
        matches!(self, Id::W4 | Id::Ttfb)
    }

    /// Rates in payload bytes per second.
    fn in_bytes(self) -> bool {
        self.is_bulk() || self.is_many()
    }

    fn selected_by(self, token: &str) -> bool {
        let name = self.name().to_ascii_lowercase();
        let token = token.to_ascii_lowercase();
        name == token || name.starts_with(&format!("{token}-"))
    }
}

struct Options {
    runs: usize,
    quick: bool,
    /// `--lto`: the build has whole-program LTO and one codegen unit.
    lto: bool,
    only: Vec<Id>,
    stacks: Option<Vec<String>>,
}

impl Options {
    fn parse(args: &[String]) -> Result<Option<Self>, String> {
        let mut opts = Options {
            runs: 5,
            quick: false,
            lto: false,
            only: Id::ALL.to_vec(),
            stacks: None,
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = |name: &str| {
                args.next()
                    .cloned()
                    .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
            };
            match arg.as_str() {
                "--runs" => {
                    opts.runs = value("--runs")?
                        .parse()
                        .ok()
                        .filter(|&n| n > 0)
                        .ok_or_else(|| format!("--runs needs a positive number\n{USAGE}"))?;
                }
                "--quick" => opts.quick = true,
                "--lto" => opts.lto = true,
                "--only" => {
                    let list = value("--only")?;
                    let tokens: Vec<&str> = list.split(',').map(str::trim).collect();
                    if let Some(bad) = tokens
                        .iter()
                        .find(|t| !Id::ALL.iter().any(|id| id.selected_by(t)))
                    {
                        return Err(format!("unknown workload {bad}\n{USAGE}"));
                    }
                    opts.only = Id::ALL
                        .into_iter()
                        .filter(|id| tokens.iter().any(|t| id.selected_by(t)))
                        .collect();
                }
                "--stacks" | "--stack" => {
                    let list = value("--stacks")?;
                    opts.stacks = Some(list.split(',').map(|s| s.trim().to_string()).collect());
                }
                "-h" | "--help" => {
                    println!("{USAGE}");
                    return Ok(None);
                }
                other => return Err(format!("unknown bench option {other}\n{USAGE}")),
            }
        }
        Ok(Some(opts))
    }
}

/// Entry point of `cargo xtask bench ARGS`.
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    if cfg!(debug_assertions) && std::env::var_os("XTASK_BENCH_ANY_PROFILE").is_none() {
        return rerun_in_release(args);
    }
    let Some(opts) = Options::parse(args)? else {
        return Ok(());
    };
    if opts.lto && std::env::var_os(LTO_MARK).is_none() {
        return Err("--lto needs the bench to build itself (unset XTASK_BENCH_ANY_PROFILE)".into());
    }
    let all: Vec<Box<dyn Stack>> = vec![
        Box::new(ours::Ours(ours::Api::Plain)),
        Box::new(ours::Ours(ours::Api::PlainInto)),
        Box::new(ours::Ours(ours::Api::PlainSlice)),
        Box::new(ours::Ours(ours::Api::ZeroCopy)),
        Box::new(ours::OursQueueData),
        Box::new(nghttp2::Nghttp2(nghttp2::DataMode::Copy)),
        Box::new(nghttp2::Nghttp2(nghttp2::DataMode::NoCopyBuffered)),
        Box::new(nghttp2::Nghttp2(nghttp2::DataMode::NoCopyVectored)),
        Box::new(hyper_h2::HyperH2),
    ];
    let stacks: Vec<Box<dyn Stack>> = all
        .into_iter()
        .filter(|s| match &opts.stacks {
            None => true,
            Some(names) => names.iter().any(|n| s.name().starts_with(n.as_str())),
        })
        .collect();
    if stacks.is_empty() {
        return Err(format!("no stack matches --stacks\n{USAGE}"));
    }
    Bench::new(opts, stacks).run()
}

/// `cargo xtask` runs a debug build; timings need release.
fn rerun_in_release(args: &[String]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    eprintln!("xtask bench: re-running in release (cargo run --release --package xtask -- bench)");
    let mut command = Command::new(cargo);
    if args.iter().any(|a| a == "--lto") {
        // A profile setting only the final binary's build applies: the user's own, here
        // ours. Its own target directory keeps the default build's artifacts.
        command
            .env("CARGO_PROFILE_RELEASE_LTO", "fat")
            .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "1")
            .env(
                "CARGO_TARGET_DIR",
                crate::workspace_root().join("target/lto"),
            )
            .env(LTO_MARK, "1");
    }
    let status = command
        .args([
            "run",
            "--release",
            "--quiet",
            "--package",
            "xtask",
            "--",
            "bench",
        ])
        .args(args)
        .current_dir(crate::workspace_root())
        .status()
        .map_err(|e| format!("cannot start cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("release bench failed: {status}"))
    }
}

/// Samples of one stack on one workload; `Err` when the stack reported it unavailable.
type Cell = Result<Vec<Sample>, String>;

struct Bench {
    opts: Options,
    stacks: Vec<Box<dyn Stack>>,
    /// cells[stack][workload column]
    cells: Vec<Vec<Cell>>,
    /// memcpy[workload column]: the copy limit, for the W2 columns.
    memcpy: Vec<Vec<Sample>>,
    /// The same copy through a buffer of one exchange's output
    /// ([`workload::EXCHANGE_BUDGET`]): the limit for an API that returns all pending
    /// output in one buffer, as `data_to_send()` does.
    memcpy_batch: Vec<Vec<Sample>>,
}

impl Bench {
    fn new(opts: Options, stacks: Vec<Box<dyn Stack>>) -> Self {
        let cells = stacks
            .iter()
            .map(|_| opts.only.iter().map(|_| Ok(Vec::new())).collect())
            .collect();
        let memcpy: Vec<Vec<Sample>> = opts.only.iter().map(|_| Vec::new()).collect();
        Bench {
            opts,
            stacks,
            memcpy_batch: memcpy.clone(),
            memcpy,
            cells,
        }
    }

    fn scale(&self) -> u64 {
        if self.opts.quick {
            10
        } else {
            1
        }
    }

    fn requests(&self, id: Id) -> Requests {
        Requests {
            total: 200_000 / self.scale() as usize,
            in_flight: 100,
            extra_headers: id == Id::W3,
        }
    }

    fn bulk(&self, id: Id) -> Bulk {
        Bulk {
            total: (1u64 << 30) / self.scale(),
            max_frame_size: if id == Id::W2Large { 1 << 20 } else { 16 << 10 },
            window: 16 << 20,
        }
    }

    /// W4: 100 x 1 MiB; TTFB: 99 x 1 MiB and the urgent 16 KiB, sent after 1/8 of the
    /// background bytes arrived. `--quick` makes the bodies 10x smaller.
    fn many(&self, id: Id) -> workload::Many {
        let body = (1u64 << 20) / self.scale();
        let streams = workload::SERVER_MAX_CONCURRENT_STREAMS as usize;
        let mut w = workload::Many {
            streams,
            body,
            max_frame_size: 16 << 10,
            window: 16 << 20,
            urgent: None,
        };
        if id == Id::Ttfb {
            w.streams = streams - 1;
            w.urgent = Some(workload::Urgent {
                body: 16 << 10,
                after: w.streams as u64 * body / 8,
            });
        }
        w
    }

    fn run_one(&self, stack: &dyn Stack, id: Id) -> Result<Sample, Failure> {
        if id.is_bulk() {
            stack.bulk(&self.bulk(id))
        } else if id.is_many() {
            stack.many(&self.many(id))
        } else {
            stack.requests(&self.requests(id))
        }
    }

    fn run(mut self) -> Result<(), String> {
        alloc_count::pin_system_allocator();
        workload::pattern();
        let load_before = load_average();
        let started = std::time::Instant::now();
        for run in 0..self.opts.runs {
            for (col, &id) in self.opts.only.clone().iter().enumerate() {
                if id.is_bulk() {
                    let bulk = self.bulk(id);
                    let sample = workload::memcpy(bulk.total, bulk.max_frame_size as usize);
                    eprintln!(
                        "run {}/{}: {:<7} {:<12} {}",
                        run + 1,
                        self.opts.runs,
                        id.name(),
                        "memcpy",
                        format_rate(id, sample.rate())
                    );
                    self.memcpy[col].push(sample);
                    let batch = workload::EXCHANGE_BUDGET.max(bulk.max_frame_size as usize);
                    let sample = workload::memcpy(bulk.total, batch);
                    self.memcpy_batch[col].push(sample);
                }
                // Rotate the order of the stacks from run to run.
                for k in 0..self.stacks.len() {
                    let s = (k + run) % self.stacks.len();
                    if self.cells[s][col].is_err() || !self.runs(s, id) {
                        continue;
                    }
                    let name = self.stacks[s].name();
                    match self.run_one(self.stacks[s].as_ref(), id) {
                        Ok(sample) => {
                            eprintln!(
                                "run {}/{}: {:<7} {:<12} {}",
                                run + 1,
                                self.opts.runs,
                                id.name(),
                                name,
                                format_rate(id, sample.rate())
                            );
                            if let Ok(samples) = &mut self.cells[s][col] {
                                samples.push(sample);
                            }
                        }
                        Err(Failure::Unavailable(why)) => {
                            eprintln!("{name} {}: n/a ({why})", id.name());
                            self.cells[s][col] = Err(why);
                        }
                        Err(Failure::Failed(err)) => {
                            return Err(format!("{name} {} run {}: {err}", id.name(), run + 1));
                        }
                    }
                }
            }
        }
        // Idle connections and open streams last, once every lazy global of every stack is
        // initialised.
        let mut idle = Vec::new();
        let mut open = Vec::new();
        for stack in &self.stacks {
            if stack.bulk_only() || stack.many_only() {
                // A variant row: the same connections as its stack's main row.
                idle.push(Err(NOT_RUN.into()));
                open.push(Err(NOT_RUN.into()));
                continue;
            }
            idle.push(match stack.idle_pair_bytes() {
                Ok(bytes) => Ok(bytes),
                Err(Failure::Unavailable(why)) => Err(why),
                Err(Failure::Failed(err)) => return Err(format!("{} idle: {err}", stack.name())),
            });
            // The cost of each stream beyond the first: the first request also pays
            // one-time costs (HPACK table entries, buffers and maps growing), so the
            // per-stream figure is (held with N streams - held with 1) / (N - 1).
            let n = workload::OPEN_STREAMS;
            let marginal = stack.open_stream_bytes(1).and_then(|one| {
                let all = stack.open_stream_bytes(n)?;
                Ok((all * n).saturating_sub(one) / (n - 1))
            });
            open.push(match marginal {
                Ok(bytes) => Ok(bytes),
                Err(Failure::Unavailable(why)) => Err(why),
                Err(Failure::Failed(err)) => {
                    return Err(format!("{} open streams: {err}", stack.name()))
                }
            });
        }
        let load_after = load_average();
        let memory = Memory { idle, open };
        self.print(&memory, &load_before, &load_after, started.elapsed());
        Ok(())
    }

    /// Whether stack `s` runs workload `id` (variant rows run W2 only, W2 and W4, or W4
    /// only).
    fn runs(&self, s: usize, id: Id) -> bool {
        let stack = &self.stacks[s];
        if stack.many_only() {
            id == Id::W4
        } else if stack.bulk_only() {
            id.is_bulk() || (id == Id::W4 && stack.many_variant())
        } else {
            true
        }
    }

    /// The stack named `name`, if selected.
    fn stack(&self, name: &str) -> Option<usize> {
        self.stacks.iter().position(|s| s.name() == name)
    }

    fn median_rate(&self, s: usize, col: usize) -> Option<f64> {
        match &self.cells[s][col] {
            Ok(samples) if !samples.is_empty() => Some(median(samples.iter().map(Sample::rate))),
            _ => None,
        }
    }

    fn median_of(&self, s: usize, id: Id, f: impl Fn(&Sample) -> f64) -> Option<f64> {
        let col = self.opts.only.iter().position(|&i| i == id)?;
        match &self.cells[s][col] {
            Ok(samples) if !samples.is_empty() => Some(median(samples.iter().map(f))),
            _ => None,
        }
    }

    fn memcpy_rate(&self, col: usize) -> Option<f64> {
        median_of(&self.memcpy[col])
    }

    /// The memcpy row is one copy of every payload byte and nothing else; nghttp2's
    /// default path does that same copy (its read callback, `fill_payload`) plus the
    /// framing, so it must not beat the memcpy row. Says so when it does.
    fn print_memcpy_check(&self) {
        let Some(ng) = self.stack("nghttp2 (default)") else {
            return;
        };
        for (col, &id) in self.opts.only.iter().enumerate() {
            let (Some(copy), Some(ng_rate)) = (self.memcpy_rate(col), self.median_rate(ng, col))
            else {
                continue;
            };
            if copy >= ng_rate {
                println!(
                    "memcpy check {}: {} GB/s >= nghttp2 (default) {} GB/s, which does the same \
                     copy plus the framing: consistent",
                    id.name(),
                    format_rate(id, copy),
                    format_rate(id, ng_rate)
                );
            } else {
                println!(
                    "memcpy check {}: WARNING: memcpy {} GB/s is slower than nghttp2 (default) {} \
                     GB/s, which does the same copy plus the framing: this machine's copy rate \
                     misbehaved during the run (noisy neighbours, frequency changes); do not \
                     read the memcpy row as a limit",
                    id.name(),
                    format_rate(id, copy),
                    format_rate(id, ng_rate)
                );
            }
        }
    }

    /// The TTFB case, as a table: per stack the median of the runs.
    fn print_ttfb(&self) {
        let Some(col) = self.opts.only.iter().position(|&id| id == Id::Ttfb) else {
            return;
        };
        let w = self.many(Id::Ttfb);
        let Some(urgent) = w.urgent else {
            return;
        };
        let mut rows = vec![[
            "TTFB",
            "background bytes before urgent 1st byte",
            "wall time to urgent 1st byte",
            "background bytes received before submit",
            "whole run GB/s",
        ]
        .map(String::from)
        .to_vec()];
        for (s, stack) in self.stacks.iter().enumerate() {
            if !self.runs(s, Id::Ttfb) {
                continue;
            }
            let samples: Vec<workload::Ttfb> = match &self.cells[s][col] {
                Ok(samples) => samples.iter().filter_map(|x| x.ttfb).collect(),
                Err(_) => Vec::new(),
            };
            if samples.is_empty() {
                let mut row = vec!["n/a".to_string(); 5];
                row[0] = stack.name().to_string();
                rows.push(row);
                continue;
            }
            let octets = median(samples.iter().map(|t| t.background as f64));
            let wall = median(samples.iter().map(|t| t.wall.as_secs_f64()));
            let before = median(samples.iter().map(|t| t.before_submit as f64));
            rows.push(vec![
                stack.name().to_string(),
                format!(
                    "{} ({})",
                    group_thousands(octets as u64),
                    format_bytes(octets)
                ),
                format!("{:.1} us", wall * 1e6),
                format_bytes(before),
                self.median_rate(s, col)
                    .map_or("n/a".into(), |r| format_rate(Id::Ttfb, r)),
            ]);
        }
        println!();
        println!(
            "TTFB: {} downloads of {} KiB in flight (default priority); once the client has \
             received {} of them it sends one more GET with `priority: {}` for {} KiB. \
             Background bytes: payload of the other streams the client received between \
             submitting that GET and the first byte of its body (deterministic; 0 = the urgent \
             body came first). Wall time: the same interval, which includes one round of the \
             harness (ours: the client's data_to_send(), the server's receive, a data_to_send() \
             of up to 64 KiB and the client's receive_data() of all of it before events are \
             seen; nghttp2: its callbacks fire frame by frame inside mem_recv2):",
            w.streams,
            w.body >> 10,
            format_bytes(urgent.after as f64),
            workload::URGENT_PRIORITY,
            urgent.body >> 10
        );
        print_table(&rows);
    }

    /// Allocations per output/input API call of our rows in W2 (steady state), as a table.
    fn print_call_allocs(&self) {
        let mut rows = vec![[
            "ours, W2",
            "output / input call",
            "server output (DATA)",
            "client input (DATA)",
            "client output (WINDOW_UPDATE)",
            "server input (WINDOW_UPDATE)",
            "output finding nothing",
        ]
        .map(String::from)
        .to_vec()];
        for (s, stack) in self.stacks.iter().enumerate() {
            for (col, &id) in self.opts.only.iter().enumerate() {
                let Ok(samples) = &self.cells[s][col] else {
                    continue;
                };
                let calls: Vec<workload::CallAllocs> =
                    samples.iter().filter_map(|x| x.calls).collect();
                let Some(first) = calls.first() else {
                    continue;
                };
                let (send_fn, recv_fn) = first.functions;
                let per = |f: fn(&workload::CallAllocs) -> workload::CallCount| {
                    let count = f(first);
                    let mut cell = format!(
                        "{:.2} x{}",
                        median(calls.iter().map(|c| f(c).per_call())),
                        count.calls
                    );
                    if count.bytes > 0 {
                        let avg = count.bytes as f64 / count.calls.max(1) as f64;
                        cell.push_str(&format!(" of {}", format_bytes(avg)));
                    }
                    cell
                };
                rows.push(vec![
                    format!("{} {}", stack.name(), id.name()),
                    format!("{send_fn} / {recv_fn}"),
                    per(|c| c.down_send),
                    per(|c| c.down_recv),
                    per(|c| c.up_send),
                    per(|c| c.up_recv),
                    per(|c| c.empty_send),
                ]);
            }
        }
        if rows.len() > 1 {
            println!();
            println!(
                "ours: allocation calls per API call in W2, steady state (from the {}th exchange \
                 after the response headers to the end; median of runs, then \"x calls of \
                 average size\" of the first run). The input calls' count includes the \
                 Vec<Event> that receive_data returns (it grows with the events of one call):",
                ours::WARMUP + 1
            );
            print_table(&rows);
        }
    }

    fn print(
        &self,
        memory: &Memory,
        load_before: &str,
        load_after: &str,
        took: std::time::Duration,
    ) {
        let ids = &self.opts.only;
        println!();
        println!(
            "h2 bench: median of {} runs{}; built {}; {} CPUs; load average before {load_before}, after {load_after}; took {:.0} s",
            self.opts.runs,
            if self.opts.quick { ", --quick (workloads 10x smaller)" } else { "" },
            if self.opts.lto {
                "with lto = \"fat\", codegen-units = 1 (--lto)"
            } else {
                "as a default release profile builds a dependency"
            },
            std::thread::available_parallelism().map_or(0, |n| n.get()),
            took.as_secs_f64()
        );
        let w1 = self.requests(Id::W1);
        let w2 = self.bulk(Id::W2Small);
        println!(
            "W1: {} GETs, {} in flight; W3: W1 + {} headers of ~40 bytes; W2: {} MiB on one stream, 16 MiB windows",
            w1.total,
            w1.in_flight,
            workload::EXTRA_HEADERS.len(),
            w2.total >> 20
        );
        let w4 = self.many(Id::W4);
        println!(
            "W4: {} downloads of {} KiB at once on one connection, 16 MiB windows, 16 KiB frames; \
             TTFB: {} such downloads, then one u=0 GET of 16 KiB",
            w4.streams,
            w4.body >> 10,
            w4.streams - 1
        );
        println!();

        let mut header = vec!["stack".to_string()];
        // TTFB has a table of its own.
        header.extend(
            ids.iter()
                .filter(|&&id| id != Id::Ttfb)
                .map(|id| format!("{} {}", id.name(), id.unit())),
        );
        let has_w1_w3 = ids.contains(&Id::W1) && ids.contains(&Id::W3);
        if has_w1_w3 {
            header.push("W3/W1 time".into());
        }
        let mut rows = vec![header];
        for (s, stack) in self.stacks.iter().enumerate() {
            let mut row = vec![stack.name().to_string()];
            for (col, &id) in ids.iter().enumerate() {
                if id == Id::Ttfb {
                    continue;
                }
                row.push(match self.median_rate(s, col) {
                    Some(rate) => format_rate(id, rate),
                    None if !self.runs(s, id) => "-".into(),
                    None => "n/a".into(),
                });
            }
            if has_w1_w3 && (stack.bulk_only() || stack.many_only()) {
                row.push("-".into());
            } else if has_w1_w3 {
                let ratio = self.median_of(s, Id::W1, Sample::rate).zip(self.median_of(
                    s,
                    Id::W3,
                    Sample::rate,
                ));
                row.push(ratio.map_or("n/a".into(), |(a, b)| format!("{:.2}x", a / b)));
            }
            rows.push(row);
        }
        if self.memcpy.iter().any(|m| !m.is_empty()) {
            let kinds = [
                ("memcpy (1 copy, frame-size buffer)", &self.memcpy),
                (
                    "memcpy (1 copy, exchange-size buffer: 256 KiB or the frame)",
                    &self.memcpy_batch,
                ),
            ];
            for (name, samples) in kinds {
                let mut row = vec![name.to_string()];
                for (col, &id) in ids.iter().enumerate() {
                    if id == Id::Ttfb {
                        continue;
                    }
                    row.push(match median_of(&samples[col]) {
                        Some(rate) => format_rate(id, rate),
                        None => "-".into(),
                    });
                }
                if has_w1_w3 {
                    row.push("-".into());
                }
                rows.push(row);
            }
        }
        // Ratios of matching paths: the plain API against the stacks' default (copying)
        // paths, the zero-copy API against nghttp2's NO_COPY.
        let pairs = [
            (
                "ours (plain API)",
                "nghttp2 (default)",
                "plain / nghttp2 default",
            ),
            ("ours (plain API)", "hyperium-h2", "plain / hyperium-h2"),
            (
                "ours (plain API, 64 KiB into)",
                "nghttp2 (default)",
                "plain 64 KiB into / nghttp2 default",
            ),
            (
                "ours (plain API, slice input)",
                "nghttp2 (default)",
                "plain slice input / nghttp2 default",
            ),
            (
                "ours (plain API, queue_data)",
                "nghttp2 (default)",
                "plain queue_data / nghttp2 default",
            ),
            (
                "ours (zero-copy API)",
                "nghttp2 (NO_COPY, writev)",
                "zero-copy / nghttp2 NO_COPY writev",
            ),
            (
                "ours (zero-copy API)",
                "nghttp2 (NO_COPY, 1 copy)",
                "zero-copy / nghttp2 NO_COPY 1 copy",
            ),
        ];
        for (a, b, label) in pairs {
            let (Some(a), Some(b)) = (self.stack(a), self.stack(b)) else {
                continue;
            };
            let mut row = vec![label.to_string()];
            for (col, &id) in ids.iter().enumerate() {
                if id == Id::Ttfb {
                    continue;
                }
                row.push(
                    match self.median_rate(a, col).zip(self.median_rate(b, col)) {
                        Some((x, y)) => format!("{:.2}x", x / y),
                        None if !self.runs(a, id) || !self.runs(b, id) => "-".into(),
                        None => "n/a".into(),
                    },
                );
            }
            if has_w1_w3 {
                row.push("-".into());
            }
            rows.push(row);
        }
        print_table(&rows);
        if ids.iter().any(|id| id.is_bulk()) {
            println!(
                "W2 copies of each DATA payload byte (in memory, so no stack pays the kernel's \
                 socket copies): ours (plain API) 1 (data_to_send() flattens the queue into its \
                 output buffer; receive_data(&Bytes) shares it); ours (plain API, slice input) 2 \
                 (data_to_send(), then receive_data(&[u8]) copies its input); ours (plain API, \
                 64 KiB into) 2 (into the 64 KiB buffer, receive_data(&[u8])); ours (zero-copy \
                 API) 0; nghttp2 (default) 1 \
                 (read callback into nghttp2's frame buffer, mem_recv2 reads in place); nghttp2 \
                 (NO_COPY, 1 copy) 1 (send_data_callback into a socket buffer); nghttp2 (NO_COPY, \
                 writev) 0 (header and payload pointers handed to mem_recv2); hyperium-h2 2 (into \
                 the duplex pipe, out into h2's read buffer). At 0 copies GB/s only measures the \
                 per-frame work."
            );
        }
        if ids.contains(&Id::W4) {
            println!(
                "W4 copies of each DATA payload byte: ours (plain API) and ours (plain API, \
                 queue_data) 1 (data_to_send() frames the pulled/queued Bytes into its output \
                 buffer, receive_data(&Bytes) shares it); ours (plain API, slice input) 2; \
                 ours (zero-copy API) 0; nghttp2 (default) 1 (read callback into its frame \
                 buffer). Per round the server hands over at most 64 KiB (ours' \
                 WRITE_BATCH; nghttp2: whole frames up to that much), except ours \
                 (plain API, queue_data), whose raised send buffer lets one data_to_send() \
                 frame what the windows allow. Bodies are checked as in W2 (the first and last \
                 8 bytes of every DATA chunk against the pattern, each stream at its own \
                 offset, and exact byte counts)."
            );
        }
        self.print_ttfb();
        self.print_memcpy_check();
        self.print_call_allocs();
        let spreads: Vec<String> = self
            .stacks
            .iter()
            .enumerate()
            .flat_map(|(s, stack)| {
                ids.iter().enumerate().filter_map(move |(col, id)| {
                    if *id == Id::Ttfb {
                        return None;
                    }
                    let samples = self.cells[s][col].as_ref().ok()?;
                    let rates: Vec<f64> = samples.iter().map(Sample::rate).collect();
                    // One run has no spread; a variant row's W1/W3 cell has no runs.
                    if rates.len() < 2 {
                        return None;
                    }
                    let lo = rates.iter().copied().fold(f64::INFINITY, f64::min);
                    let hi = rates.iter().copied().fold(0.0, f64::max);
                    let mid = median(rates.iter().copied());
                    Some(format!(
                        "{} {} {:.0}%",
                        stack.name(),
                        id.name(),
                        (hi - lo) / mid * 100.0
                    ))
                })
            })
            .collect();
        if !spreads.is_empty() {
            println!(
                "spread of the runs, (max - min) / median: {}",
                spreads.join(", ")
            );
        }

        println!();
        println!(
            "memory (counting global allocator; nghttp2 is routed through it with nghttp2_mem; client+server together, \
             hyperium includes its tokio tasks and duplex pipe buffers):"
        );
        let mut header = vec![
            "stack".to_string(),
            "idle pair".to_string(),
            "per open stream".to_string(),
        ];
        let mut cols: Vec<(Id, &str)> = Vec::new();
        if ids.contains(&Id::W1) {
            header.extend([
                "W1 peak".into(),
                "W1 held at end".into(),
                "W1 allocs/req".into(),
            ]);
            cols.push((Id::W1, "mem"));
        }
        if ids.contains(&Id::W3) {
            header.extend(["W3 peak".into(), "W3 allocs/req".into()]);
            cols.push((Id::W3, "mem3"));
        }
        for id in [Id::W2Small, Id::W2Large] {
            if ids.contains(&id) {
                header.push(format!("{} peak", id.name()));
                header.push(format!("{} allocs/frame", id.name()));
                cols.push((id, "bulk"));
            }
        }
        if ids.contains(&Id::W4) {
            header.push("W4 peak".into());
            cols.push((Id::W4, "peak"));
        }
        let mut rows = vec![header];
        for (s, stack) in self.stacks.iter().enumerate() {
            let mut row = vec![stack.name().to_string()];
            for cell in [&memory.idle[s], &memory.open[s]] {
                row.push(match cell {
                    Ok(bytes) => format_bytes(*bytes as f64),
                    Err(why) if why == NOT_RUN => "-".into(),
                    Err(_) => "n/a".into(),
                });
            }
            for &(id, kind) in &cols {
                if !self.runs(s, id) {
                    let n = match kind {
                        "mem" => 3,
                        "peak" => 1,
                        _ => 2,
                    };
                    row.extend(std::iter::repeat_n("-".to_string(), n));
                    continue;
                }
                let peak = self.median_of(s, id, |x| x.peak_bytes as f64);
                let fmt_bytes = |v: Option<f64>| v.map_or("n/a".into(), format_bytes);
                match kind {
                    "mem" => {
                        row.push(fmt_bytes(peak));
                        row.push(fmt_bytes(self.median_of(s, id, |x| x.held_bytes as f64)));
                        row.push(per(
                            self.median_of(s, id, |x| x.allocs as f64 / x.work as f64)
                        ));
                    }
                    "mem3" => {
                        row.push(fmt_bytes(peak));
                        row.push(per(
                            self.median_of(s, id, |x| x.allocs as f64 / x.work as f64)
                        ));
                    }
                    "peak" => row.push(fmt_bytes(peak)),
                    _ => {
                        let frame = self.bulk(id).max_frame_size as f64;
                        row.push(fmt_bytes(peak));
                        row.push(per(self.median_of(s, id, |x| {
                            x.allocs as f64 / (x.work as f64 / frame).ceil()
                        })));
                    }
                }
            }
            rows.push(row);
        }
        print_table(&rows);
        println!(
            "per open stream: client+server, W1 GETs received by the server and not answered, \
             (held with {} streams - held with 1) / {}, so the first request's one-time costs \
             (HPACK table entries, buffer growth) are left out; hyperium-h2 includes the \
             SendResponse handles and ResponseFutures it needs to keep the streams open; ours \
             excludes the received header lists, which the application owns",
            workload::OPEN_STREAMS,
            workload::OPEN_STREAMS - 1
        );
        println!(
            "allocs/req include the harness's own: ours (plain API) 1 (the :path value), hyperium-h2 about 2 \
             (the :path string, the per-request response task), nghttp2 none (it copies the header list)"
        );
        for (s, stack) in self.stacks.iter().enumerate() {
            if let Some(why) = self.cells[s]
                .iter()
                .find_map(|c| c.as_ref().err())
                .or(memory.idle[s].as_ref().err())
                .or(memory.open[s].as_ref().err())
                .filter(|why| *why != NOT_RUN)
            {
                println!("{}: n/a: {why}", stack.name());
            }
        }
    }
}

/// The `Memory` entry of a variant row, which is not measured (shown as "-").
const NOT_RUN: &str = "not run for a variant row";

/// Bytes per stack (in `Bench::stacks` order) measured outside the workloads.
struct Memory {
    /// [`Stack::idle_pair_bytes`].
    idle: Vec<Result<usize, String>>,
    /// [`Stack::open_stream_bytes`] for [`workload::OPEN_STREAMS`] streams.
    open: Vec<Result<usize, String>>,
}

/// The median; NaN for no values.
fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = values.collect();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// The median rate of `samples`; `None` for none.
fn median_of(samples: &[Sample]) -> Option<f64> {
    (!samples.is_empty()).then(|| median(samples.iter().map(Sample::rate)))
}

fn format_rate(id: Id, rate: f64) -> String {
    if id.in_bytes() {
        format!("{:.2}", rate / 1e9)
    } else {
        group_thousands(rate.round() as u64)
    }
}

fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn format_bytes(bytes: f64) -> String {
    if bytes >= (1 << 20) as f64 {
        format!("{:.1} MiB", bytes / (1 << 20) as f64)
    } else if bytes >= 1024.0 {
        format!("{:.1} KiB", bytes / 1024.0)
    } else {
        format!("{bytes:.0} B")
    }
}

fn per(v: Option<f64>) -> String {
    v.map_or("n/a".into(), |v| format!("{v:.2}"))
}

fn print_table(rows: &[Vec<String>]) {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(String::len)
                .max()
                .unwrap_or(0)
        })
        .collect();
    for (i, row) in rows.iter().enumerate() {
        let line: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                if c == 0 {
                    format!("{cell:<w$}", w = widths[c])
                } else {
                    format!("{cell:>w$}", w = widths[c])
                }
            })
            .collect();
        println!("| {} |", line.join(" | "));
        if i == 0 {
            let sep: Vec<String> = widths
                .iter()
                .enumerate()
                .map(|(c, &w)| {
                    if c == 0 {
                        "-".repeat(w)
                    } else {
                        format!("{}:", "-".repeat(w.saturating_sub(1)))
                    }
                })
                .collect();
            println!("| {} |", sep.join(" | "));
        }
    }
}

/// `/proc/loadavg`'s three averages, or "unknown".
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".into())
}
