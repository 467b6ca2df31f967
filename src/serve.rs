//! `gazmap serve`: a small static HTTP/1.1 file server for the web map of a built atlas.
//!
//! It serves a build output folder (`out/` or `out/<atlas>/`) as it is on disk, the way an
//! object store or CDN would: GET and HEAD, single byte ranges (`Range: bytes=0-99`, `bytes=-100`,
//! `bytes=100-`) answered with `206 Partial Content` and `Content-Range`, unsatisfiable ranges
//! with `416` and `Content-Range: bytes */size`, strong `ETag` and `Last-Modified` with
//! conditional requests (tower-http's `ServeDir`). The PMTiles viewer needs nothing more.
//!
//! Content types are set explicitly for the files a build writes (`.pmtiles` is
//! `application/vnd.pmtiles`, `.mjs` is JavaScript, `.geojson` is `application/geo+json`), so
//! browsers accept ES modules whatever the platform's MIME table says.
//!
//! Safety: it binds to `127.0.0.1` unless told otherwise ([`Options::bind`]); paths with `..`,
//! absolute paths and percent-encoded escapes out of the folder are refused (404) by `ServeDir`.
//! Not supported: multipart ranges (answered 416), directory listings, compression, TLS.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use tokio::sync::oneshot;
use tower_http::services::ServeDir;

/// The port `gazmap serve` uses when none is given.
pub const DEFAULT_PORT: u16 = 8037;

/// The folder `gazmap serve` serves when none is given.
pub const DEFAULT_DIR: &str = "out";

/// What to serve and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The folder served as `/`.
    pub root: PathBuf,
    /// Address to listen on; loopback (`127.0.0.1`) by default, so nothing outside this machine
    /// can connect unless asked for.
    pub bind: IpAddr,
    /// TCP port; 0 picks a free one.
    pub port: u16,
}

impl Options {
    /// Serve `root` on `127.0.0.1:`[`DEFAULT_PORT`].
    #[must_use]
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: DEFAULT_PORT,
        }
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The folder to serve does not exist or is not a folder.
    #[error("{0} is not a folder (run `gazmap build` first, or name the output folder)")]
    NotAFolder(PathBuf),
    /// The address could not be bound (port in use, no permission, ...).
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The server's runtime failed.
    #[error("server error: {0}")]
    Io(#[from] std::io::Error),
}

/// A running server. Dropping it stops the server.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    viewers: Vec<String>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<std::io::Result<()>>>,
}

impl Server {
    /// Binds the address and starts serving on a background thread.
    ///
    /// # Errors
    /// [`ServeError::NotAFolder`] when `root` is not a folder, [`ServeError::Bind`] when the
    /// address cannot be bound.
    pub fn start(options: &Options) -> Result<Self, ServeError> {
        if !options.root.is_dir() {
            return Err(ServeError::NotAFolder(options.root.clone()));
        }
        let addr = SocketAddr::new(options.bind, options.port);
        let listener = std::net::TcpListener::bind(addr)
            .map_err(|source| ServeError::Bind { addr, source })?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let viewers = find_viewers(&options.root);
        let app = router(&options.root, viewers.first().map(String::as_str));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()?;
        let (tx, rx) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("gazmap-serve".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener)?;
                    axum::serve(listener, app)
                        .with_graceful_shutdown(async {
                            let _ = rx.await;
                        })
                        .await
                })
            })?;
        Ok(Self {
            addr,
            viewers,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    /// The address the server listens on (with the real port when 0 was asked for).
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The server's base URL, `http://127.0.0.1:8037/`.
    #[must_use]
    pub fn base_url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// URLs of the web maps found in the served folder (`web/index.html` in the folder or in
    /// one of its subfolders), sorted.
    #[must_use]
    pub fn viewer_urls(&self) -> Vec<String> {
        let base = self.base_url();
        self.viewers.iter().map(|v| format!("{base}{v}")).collect()
    }

    /// Blocks until the server stops (it runs until the process is interrupted).
    ///
    /// # Errors
    /// The server's I/O error, if it failed.
    pub fn wait(mut self) -> Result<(), ServeError> {
        match self.thread.take() {
            Some(thread) => thread
                .join()
                .map_err(|_| std::io::Error::other("the server thread panicked"))?
                .map_err(ServeError::Io),
            None => Ok(()),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Paths (relative, with a trailing slash) of the web maps under `root`: `web/` if
/// `root/web/index.html` exists, and `<sub>/web/` for each subfolder that has one.
#[must_use]
pub fn find_viewers(root: &Path) -> Vec<String> {
    let mut found = vec![];
    if root.join("web/index.html").is_file() {
        found.push("web/".to_owned());
    }
    let mut subs: Vec<String> = std::fs::read_dir(root)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().join("web/index.html").is_file())
        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
        .collect();
    subs.sort();
    found.extend(subs.into_iter().map(|s| format!("{s}/web/")));
    found
}

/// The content type of the files a build writes, by extension; `None` leaves `ServeDir`'s guess.
#[must_use]
pub fn content_type(path: &str) -> Option<&'static str> {
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase())?;
    Some(match ext.as_str() {
        "pmtiles" => "application/vnd.pmtiles",
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "geojson" => "application/geo+json",
        "txt" | "md" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "pdf" => "application/pdf",
        "gpkg" => "application/geopackage+sqlite3",
        _ => return None,
    })
}

async fn set_headers(request: Request, next: Next) -> Response {
    let ty = content_type(request.uri().path());
    let mut response = next.run(request).await;
    let status = response.status();
    let headers = response.headers_mut();
    if let Some(ty) = ty
        && (status == StatusCode::OK || status == StatusCode::PARTIAL_CONTENT)
    {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(ty));
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Always revalidate (cheap with ETag), so a rebuilt atlas shows at the next reload.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// The service: the folder's files, and `/` redirecting to the first web map when the folder
/// has no `index.html` of its own.
pub fn router(root: &Path, viewer: Option<&str>) -> Router {
    let files = ServeDir::new(root);
    let mut app = Router::new();
    if let Some(viewer) = viewer.filter(|_| !root.join("index.html").is_file()) {
        let to = format!("/{viewer}");
        app = app.route(
            "/",
            axum::routing::get(move || async move { Redirect::temporary(&to).into_response() }),
        );
    }
    app.fallback_service(files)
        .layer(middleware::from_fn(set_headers))
}
