//! A bounded soak of `gazmap serve`: the real binary on 127.0.0.1, 4,000 requests from 96
//! threads at once, Range requests of every form mixed with malformed ranges, truncated requests
//! and garbage on the socket. Every answer is checked byte for byte, the server must still answer
//! afterwards, and its resident memory (VmRSS from /proc) must stay flat after warm-up.
//! Bounded: a fixed request count, 10-second socket timeouts, a 1 MB archive.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

const REQUESTS: usize = 4000;
const THREADS: usize = 96;
const ARCHIVE_LEN: usize = 1 << 20;
/// Growth of the server's VmRSS allowed between warm-up and the end, **kilobytes**.
const RSS_GROWTH_KB: u64 = 16 * 1024;

/// The served archive: bytes that differ from offset to offset (a simple LCG).
fn archive() -> Vec<u8> {
    let mut x: u32 = 12345;
    (0..ARCHIVE_LEN)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (x >> 16) as u8
        })
        .collect()
}

/// Kills the server when the test ends, pass or fail.
struct Serve(Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn vm_rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .expect("VmRSS in /proc/<pid>/status")
}

/// Status code, lower-cased headers and body of an answer.
type Answer = (u16, Vec<(String, String)>, Vec<u8>);

/// Sends raw bytes, half-closes when `hang_up` (a client that gives up), and reads whatever
/// comes back (status, headers, body). A complete request is not half-closed: hyper, like most
/// servers, drops a connection whose client closes its side before the answer.
fn exchange(addr: SocketAddr, raw: &[u8], hang_up: bool) -> Option<Answer> {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(raw).unwrap();
    if hang_up {
        let _ = s.shutdown(Shutdown::Write);
    }
    let mut out = vec![];
    let _ = s.read_to_end(&mut out);
    let split = out.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&out[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Some((status, headers, out[split + 4..].to_vec()))
}

fn get(addr: SocketAddr, range: Option<&str>) -> Answer {
    let mut req = format!("GET /a/a.pmtiles HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if let Some(r) = range {
        req.push_str(&format!("Range: {r}\r\n"));
    }
    req.push_str("\r\n");
    exchange(addr, req.as_bytes(), false).expect("a response")
}

fn header<'h>(h: &'h [(String, String)], name: &str) -> Option<&'h str> {
    h.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// Request `i` of the mix and a check of its answer.
fn one(addr: SocketAddr, i: usize, data: &[u8]) {
    let n = data.len();
    // A deterministic spread of offsets over the archive.
    let a = (i * 7919) % n;
    let len = 1 + (i * 131) % 4096;
    let b = (a + len - 1).min(n - 1);
    match i % 10 {
        0..=3 => {
            let (status, h, body) = get(addr, Some(&format!("bytes={a}-{b}")));
            assert_eq!(status, 206, "request {i}");
            assert_eq!(
                header(&h, "content-range"),
                Some(format!("bytes {a}-{b}/{n}").as_str())
            );
            assert_eq!(body, &data[a..=b], "request {i}: bytes {a}-{b}");
        }
        4 => {
            let (status, _, body) = get(addr, Some(&format!("bytes=-{len}")));
            assert_eq!(status, 206, "request {i}");
            assert_eq!(body, &data[n - len..], "request {i}: last {len} bytes");
        }
        5 => {
            let from = n - len;
            let (status, _, body) = get(addr, Some(&format!("bytes={from}-")));
            assert_eq!(status, 206, "request {i}");
            assert_eq!(body, &data[from..], "request {i}: from {from}");
        }
        6 => {
            // Malformed or unsatisfiable ranges are refused, never answered with wrong bytes.
            let bad = [
                format!("bytes={}-", n + a),
                "bytes=abc".to_owned(),
                format!("bytes={b}-{a}x"),
                "items=0-5".to_owned(),
                "bytes=".to_owned(),
            ];
            let spec = &bad[i / 10 % bad.len()];
            let (status, _, body) = get(addr, Some(spec));
            assert_eq!(status, 416, "request {i}: Range: {spec}");
            assert!(
                body.len() < 100,
                "request {i}: {} bytes for {spec}",
                body.len()
            );
        }
        7 => {
            // Truncated: the request stops mid-line or mid-headers and the client hangs up.
            let full = format!("GET /a/a.pmtiles HTTP/1.1\r\nHost: {addr}\r\nRange: bytes=0-9\r\n");
            let cut = 1 + (i / 10) % (full.len() - 1);
            if let Some((status, _, _)) = exchange(addr, &full.as_bytes()[..cut], true) {
                assert_eq!(status, 400, "request {i}: truncated at {cut}");
            }
        }
        8 => {
            // Garbage on the socket: a 400 or a closed connection, nothing else.
            let junk: Vec<u8> = (0..64u32)
                .map(|k| ((k * 37 + i as u32) % 256) as u8)
                .collect();
            if let Some((status, _, _)) = exchange(addr, &junk, true) {
                assert_eq!(status, 400, "request {i}: garbage");
            }
        }
        _ => {
            let (status, h, body) = get(addr, None);
            assert_eq!(status, 200, "request {i}");
            assert_eq!(header(&h, "accept-ranges"), Some("bytes"));
            assert_eq!(body.len(), n);
            assert!(body == data, "request {i}: whole archive");
        }
    }
}

fn run(addr: SocketAddr, data: &Arc<Vec<u8>>, range: std::ops::Range<usize>) {
    let next = Arc::new(AtomicUsize::new(range.start));
    let end = range.end;
    let workers: Vec<_> = (0..THREADS)
        .map(|_| {
            let (next, data) = (Arc::clone(&next), Arc::clone(data));
            std::thread::spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= end {
                        break;
                    }
                    one(addr, i, &data);
                }
            })
        })
        .collect();
    for w in workers {
        w.join().expect("a worker thread failed its checks");
    }
}

#[test]
fn serve_soak_thousands_of_concurrent_range_requests_with_flat_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("out");
    std::fs::create_dir_all(root.join("a/web")).unwrap();
    std::fs::write(root.join("a/web/index.html"), b"<!doctype html>").unwrap();
    let data = Arc::new(archive());
    std::fs::write(root.join("a/a.pmtiles"), &*data).unwrap();

    let child = Command::new(env!("CARGO_BIN_EXE_gazmap"))
        .arg("serve")
        .arg(&root)
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut server = Serve(child);
    let pid = server.0.id();
    let stdout = server.0.stdout.take().unwrap();
    let url = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|l| l.strip_prefix("serving on http://").map(str::to_owned))
        .expect("gazmap serve prints its address");
    let addr: SocketAddr = url.split('/').next().unwrap().parse().unwrap();
    assert!(addr.ip().is_loopback());

    // Warm-up: a fifth of the requests, so buffers and the runtime reach their working size.
    let warm = REQUESTS / 5;
    run(addr, &data, 0..warm);
    let rss_warm = vm_rss_kb(pid);
    run(addr, &data, warm..REQUESTS);
    let rss_end = vm_rss_kb(pid);
    eprintln!(
        "gazmap serve VmRSS: {rss_warm} kB after {warm} requests, {rss_end} kB after {REQUESTS}"
    );
    assert!(
        rss_end <= rss_warm + RSS_GROWTH_KB,
        "VmRSS grew from {rss_warm} kB after warm-up to {rss_end} kB"
    );
    // Still answering, and answering right.
    let (status, _, body) = get(addr, Some("bytes=10-19"));
    assert_eq!(status, 206);
    assert_eq!(body, &data[10..20]);
    assert!(
        server.0.try_wait().unwrap().is_none(),
        "server still running"
    );
}
