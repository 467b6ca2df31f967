//! `gazmap serve`: a built atlas's web map over HTTP, with Range requests for the tile archive.

use std::io::Write;
use std::path::PathBuf;

use super::Failure;

/// Serve a built atlas's web map over HTTP (loopback only unless --bind says otherwise).
#[derive(Debug, clap::Args)]
pub(super) struct ServeArgs {
    /// Build output folder: `out/` or `out/<atlas id>/` (default: out).
    pub(super) dir: Option<PathBuf>,
    /// TCP port (0 picks a free one).
    #[arg(long, default_value_t = gazmap::serve::DEFAULT_PORT)]
    pub(super) port: u16,
    /// Address to listen on; anything but 127.0.0.1 or ::1 opens the map to other machines.
    #[arg(long, default_value = "127.0.0.1")]
    pub(super) bind: std::net::IpAddr,
}

pub(super) fn run(args: ServeArgs) -> Result<String, Failure> {
    let ServeArgs { dir, port, bind } = args;
    use gazmap::serve;
    let root = dir.unwrap_or_else(|| PathBuf::from(serve::DEFAULT_DIR));
    if serve::find_viewers(&root).is_empty() {
        return Err(Failure::Other(format!(
            "no web map in {} (looked for web/index.html and */web/index.html): run `gazmap build` first",
            root.display()
        )));
    }
    let server = serve::Server::start(&serve::Options { root, bind, port })
        .map_err(|e| Failure::Other(e.to_string()))?;
    let mut stdout = std::io::stdout().lock();
    if !bind.is_loopback() {
        let _ = writeln!(
            std::io::stderr(),
            "warning: listening on {bind}: other machines can reach this server"
        );
    }
    for url in server.viewer_urls() {
        let _ = writeln!(stdout, "open {url}");
    }
    let _ = writeln!(stdout, "serving on {} (Ctrl-C to stop)", server.base_url());
    let _ = stdout.flush();
    drop(stdout);
    server.wait().map_err(|e| Failure::Other(e.to_string()))?;
    Ok(String::new())
}
