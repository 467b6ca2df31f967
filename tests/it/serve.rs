//! `gazmap serve`: byte ranges, ETags, content types, path traversal, loopback by default.
//! Requests go over a real TCP socket on 127.0.0.1, written by hand, so nothing in between
//! normalises the path or the headers.

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream};
use std::path::Path;
use std::time::Duration;

use gazmap::serve::{Options, ServeError, Server};

/// A parsed HTTP/1.1 response.
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Sends one request (`Connection: close`) and reads the whole answer.
fn request(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)]) -> Response {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    stream.write_all(req.as_bytes()).unwrap();
    let mut raw = vec![];
    stream.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a header block");
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Response {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

fn get(addr: SocketAddr, path: &str) -> Response {
    request(addr, "GET", path, &[])
}

fn range(addr: SocketAddr, path: &str, spec: &str) -> Response {
    request(addr, "GET", path, &[("Range", spec)])
}

/// 1000 bytes that differ from offset to offset.
fn archive_bytes() -> Vec<u8> {
    (0..1000u32).map(|i| (i * 7 % 251) as u8).collect()
}

/// A served folder `root/` with a small site, and a secret file beside it (outside the root).
fn site() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("out");
    let w = |rel: &str, bytes: &[u8]| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    };
    w("vorkuta/vorkuta.pmtiles", &archive_bytes());
    w("vorkuta/web/index.html", b"<!doctype html><title>t</title>");
    w("vorkuta/web/app.js", b"export const x = 1;\n");
    w("vorkuta/web/vendor/maplibre-gl.mjs", b"export default 1;\n");
    w("vorkuta/web/app.css", b"body{}\n");
    w("vorkuta/web/style.json", b"{\"version\":8}\n");
    w(
        "vorkuta/sites.geojson",
        b"{\"type\":\"FeatureCollection\",\"features\":[]}\n",
    );
    w("vorkuta/web/sources/mb1961.txt", "“quote”\n".as_bytes());
    std::fs::write(tmp.path().join("secret.txt"), b"TOP-SECRET").unwrap();
    (tmp, root)
}

fn start(root: &Path) -> Server {
    let mut options = Options::new(root);
    options.port = 0;
    Server::start(&options).unwrap()
}

#[test]
fn binds_to_loopback_by_default() {
    let (_tmp, root) = site();
    let options = Options::new(&root);
    assert_eq!(options.bind, IpAddr::V4(Ipv4Addr::LOCALHOST));
    let server = start(&root);
    assert_eq!(server.addr().ip(), IpAddr::V4(Ipv4Addr::LOCALHOST));
    assert_ne!(server.addr().port(), 0);
    assert_eq!(
        server.viewer_urls(),
        vec![format!(
            "http://127.0.0.1:{}/vorkuta/web/",
            server.addr().port()
        )]
    );
}

#[test]
fn first_bytes_range_is_206_with_content_range_and_etag() {
    let (_tmp, root) = site();
    let server = start(&root);
    let r = range(server.addr(), "/vorkuta/vorkuta.pmtiles", "bytes=0-99");
    assert_eq!(r.status, 206);
    assert_eq!(r.header("content-range"), Some("bytes 0-99/1000"));
    assert_eq!(r.header("content-length"), Some("100"));
    assert_eq!(r.body, archive_bytes()[..100]);
    assert_eq!(r.header("content-type"), Some("application/vnd.pmtiles"));
    assert_eq!(r.header("accept-ranges"), Some("bytes"));
    let etag = r.header("etag").expect("an ETag");
    assert!(
        etag.starts_with('"') && etag.ends_with('"'),
        "strong ETag: {etag}"
    );

    // A middle range, as the PMTiles client asks for directories and tiles.
    let r = range(server.addr(), "/vorkuta/vorkuta.pmtiles", "bytes=500-509");
    assert_eq!(r.status, 206);
    assert_eq!(r.header("content-range"), Some("bytes 500-509/1000"));
    assert_eq!(r.body, archive_bytes()[500..510]);
}

#[test]
fn suffix_and_open_ranges() {
    let (_tmp, root) = site();
    let server = start(&root);
    let r = range(server.addr(), "/vorkuta/vorkuta.pmtiles", "bytes=-100");
    assert_eq!(r.status, 206);
    assert_eq!(r.header("content-range"), Some("bytes 900-999/1000"));
    assert_eq!(r.body, archive_bytes()[900..]);

    let r = range(server.addr(), "/vorkuta/vorkuta.pmtiles", "bytes=990-");
    assert_eq!(r.status, 206);
    assert_eq!(r.header("content-range"), Some("bytes 990-999/1000"));
    assert_eq!(r.body, archive_bytes()[990..]);

    // A range running past the end is cut to the end.
    let r = range(server.addr(), "/vorkuta/vorkuta.pmtiles", "bytes=995-5000");
    assert_eq!(r.status, 206);
    assert_eq!(r.header("content-range"), Some("bytes 995-999/1000"));
    assert_eq!(r.body.len(), 5);
}

#[test]
fn out_of_range_is_416() {
    let (_tmp, root) = site();
    let server = start(&root);
    let r = range(server.addr(), "/vorkuta/vorkuta.pmtiles", "bytes=5000-6000");
    assert_eq!(r.status, 416);
    assert_eq!(r.header("content-range"), Some("bytes */1000"));
    assert!(r.body.is_empty());
}

#[test]
fn whole_file_head_and_conditional_get() {
    let (_tmp, root) = site();
    let server = start(&root);
    let r = get(server.addr(), "/vorkuta/vorkuta.pmtiles");
    assert_eq!(r.status, 200);
    assert_eq!(r.body, archive_bytes());
    assert_eq!(r.header("content-length"), Some("1000"));
    let etag = r.header("etag").unwrap().to_owned();

    let head = request(server.addr(), "HEAD", "/vorkuta/vorkuta.pmtiles", &[]);
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-length"), Some("1000"));
    assert_eq!(head.header("etag"), Some(etag.as_str()));
    assert!(head.body.is_empty());

    let cached = request(
        server.addr(),
        "GET",
        "/vorkuta/vorkuta.pmtiles",
        &[("If-None-Match", &etag)],
    );
    assert_eq!(cached.status, 304);
    assert!(cached.body.is_empty());
}

#[test]
fn content_types() {
    let (_tmp, root) = site();
    let server = start(&root);
    for (path, ty) in [
        ("/vorkuta/web/index.html", "text/html; charset=utf-8"),
        ("/vorkuta/web/app.js", "text/javascript; charset=utf-8"),
        (
            "/vorkuta/web/vendor/maplibre-gl.mjs",
            "text/javascript; charset=utf-8",
        ),
        ("/vorkuta/web/app.css", "text/css; charset=utf-8"),
        ("/vorkuta/web/style.json", "application/json"),
        ("/vorkuta/sites.geojson", "application/geo+json"),
        (
            "/vorkuta/web/sources/mb1961.txt",
            "text/plain; charset=utf-8",
        ),
        ("/vorkuta/vorkuta.pmtiles", "application/vnd.pmtiles"),
    ] {
        let r = get(server.addr(), path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-type"), Some(ty), "{path}");
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    }
    let r = get(server.addr(), "/vorkuta/web/sources/mb1961.txt");
    assert_eq!(r.body, "“quote”\n".as_bytes());
}

#[test]
fn path_traversal_is_refused() {
    let (_tmp, root) = site();
    let server = start(&root);
    for path in [
        "/../secret.txt",
        "/vorkuta/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/vorkuta/..%2f..%2fsecret.txt",
        "/vorkuta/web/..%2F..%2F..%2Fsecret.txt",
        "/..%5csecret.txt",
        "//secret.txt",
        "/%2fetc%2fpasswd",
    ] {
        let r = get(server.addr(), path);
        assert!(
            r.status == 404 || r.status == 400,
            "{path}: status {}",
            r.status
        );
        assert!(
            !String::from_utf8_lossy(&r.body).contains("TOP-SECRET"),
            "{path} leaked the file outside the root"
        );
    }
    // The same file inside the root is served, so the 404s above are not for another reason.
    std::fs::write(root.join("secret.txt"), b"inside").unwrap();
    assert_eq!(get(server.addr(), "/secret.txt").body, b"inside");
}

#[test]
fn root_redirects_to_the_web_map_and_missing_files_are_404() {
    let (_tmp, root) = site();
    let server = start(&root);
    let r = get(server.addr(), "/");
    assert_eq!(r.status, 307);
    assert_eq!(r.header("location"), Some("/vorkuta/web/"));
    let r = get(server.addr(), "/vorkuta/web/");
    assert_eq!(r.status, 200);
    assert!(String::from_utf8_lossy(&r.body).contains("<title>t</title>"));
    assert_eq!(get(server.addr(), "/vorkuta/nothing.pmtiles").status, 404);
}

#[test]
fn serving_a_missing_folder_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let err = Server::start(&Options::new(tmp.path().join("nope"))).unwrap_err();
    assert!(matches!(err, ServeError::NotAFolder(_)), "{err}");
}

/// Kills the child process when dropped, even when an assertion fails.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn cli_prints_the_loopback_url_and_serves_a_real_build() {
    let out = crate::util::vorkuta_build();
    let bin = assert_cmd::cargo::cargo_bin("gazmap");
    let mut child = Child(
        std::process::Command::new(bin)
            .args(["serve", out.to_str().unwrap(), "--port", "0"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut stdout = std::io::BufReader::new(child.0.stdout.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut line).unwrap();
    let url = line.trim().strip_prefix("open ").unwrap_or_default();
    assert!(url.starts_with("http://127.0.0.1:"), "printed: {line}");
    assert!(url.ends_with("/web/"), "printed: {line}");
    let addr: SocketAddr = url["http://".len()..]
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let page = get(addr, "/web/");
    assert_eq!(page.status, 200);
    assert!(String::from_utf8_lossy(&page.body).contains("app.js"));
    let style = get(addr, "/web/style.json");
    assert_eq!(style.header("content-type"), Some("application/json"));
    let json: serde_json::Value = serde_json::from_slice(&style.body).unwrap();
    assert_eq!(json["version"], 8);
    drop(child);
}

#[test]
fn cli_refuses_a_folder_without_a_web_map() {
    let tmp = tempfile::tempdir().unwrap();
    crate::util::gazmap()
        .args(["serve", tmp.path().to_str().unwrap(), "--port", "0"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("run `gazmap build` first"));
}
