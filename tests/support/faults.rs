//! A small in-process HTTP/1.1 server for what a real registry cannot be made to do: answers chosen
//! per request by the test (429 with Retry-After, 5xx, wrong digests, redirects, tokens that expire),
//! and transport faults (reset, stall, truncated body). Every request is recorded.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request as received.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body (e.g. a token request's form), as sent.
    pub body: Vec<u8>,
    /// When it had arrived whole, to tell what a client sent while a host was slowed.
    pub at: Instant,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// `METHOD /path`.
    pub fn line(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// What the server does with a request.
pub enum Action {
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Waits before answering (the same answer as `Respond`).
    Delay(Duration, Box<Action>),
    /// Closes the connection without answering.
    Reset,
    /// Never answers (until the client gives up).
    Stall,
    /// Announces the whole body, sends only its first half, and closes.
    Truncate(Box<Action>),
    /// A 200 with these headers and a chunked body that never ends (until the client hangs up).
    Endless(Vec<(String, String)>),
}

impl Action {
    pub fn status(status: u16) -> Self {
        Action::Respond {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn json(status: u16, body: &str) -> Self {
        Action::Respond {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        if let Action::Respond { headers, .. } = &mut self {
            headers.push((name.to_owned(), value.to_owned()));
        }
        self
    }

    /// A manifest answer: body, content type and (if `digest`) `Docker-Content-Digest`.
    pub fn manifest(media_type: &str, body: &[u8], digest: Option<&str>) -> Self {
        let mut action = Action::Respond {
            status: 200,
            headers: vec![("content-type".into(), media_type.to_owned())],
            body: body.to_vec(),
        };
        if let Some(d) = digest {
            action = action.header("docker-content-digest", d);
        }
        action
    }
}

type Handler = dyn Fn(&Request) -> Action + Send + Sync;

pub struct FaultServer {
    /// `127.0.0.1:PORT`.
    pub addr: String,
    log: Arc<Mutex<Vec<Request>>>,
    task: tokio::task::JoinHandle<()>,
}

impl FaultServer {
    /// Serves `handler` on a free loopback port until dropped. The handler is told the request; it can
    /// keep its own counters to change answers over time.
    pub async fn start(handler: impl Fn(&Request) -> Action + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr").to_string();
        let log = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let task = tokio::spawn({
            let log = log.clone();
            async move {
                while let Ok((stream, _)) = listener.accept().await {
                    tokio::spawn(serve(stream, handler.clone(), log.clone()));
                }
            }
        });
        FaultServer { addr, log, task }
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Request> {
        self.log.lock().expect("log").clone()
    }

    /// How many requests so far satisfy `pred`.
    pub fn count(&self, pred: impl Fn(&Request) -> bool) -> usize {
        self.requests().iter().filter(|r| pred(r)).count()
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A [`FaultServer`] on a runtime of its own, for tests that run the CLI synchronously. Stops when
/// dropped.
pub struct ThreadServer {
    /// `127.0.0.1:PORT`.
    pub addr: String,
    _stop: std::sync::mpsc::Sender<()>,
}

/// A schema 2 manifest as registries serve it (its config is not served).
pub const MANIFEST: &[u8] = br#"{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},"layers":[]}"#;

impl ThreadServer {
    /// A registry that has every tag: each manifest request is answered with [`MANIFEST`].
    pub fn every_tag() -> Self {
        ThreadServer::start(|r: &Request| match r.path.as_str() {
            "/v2/" => Action::status(200),
            _ => Action::manifest(
                "application/vnd.docker.distribution.manifest.v2+json",
                MANIFEST,
                Some(&super::images::sha256(MANIFEST)),
            ),
        })
    }

    /// A registry that has no tag at all.
    pub fn no_tag() -> Self {
        ThreadServer::start(|r: &Request| match r.path.as_str() {
            "/v2/" => Action::status(200),
            _ => Action::status(404),
        })
    }

    pub fn start(handler: impl Fn(&Request) -> Action + Send + Sync + 'static) -> Self {
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Runtime::new().expect("runtime");
            let server = runtime.block_on(FaultServer::start(handler));
            addr_tx.send(server.addr.clone()).expect("send");
            let _ = stopped.recv();
            drop(server);
        });
        ThreadServer {
            addr: addr_rx.recv().expect("address"),
            _stop: stop,
        }
    }
}

async fn serve(mut stream: TcpStream, handler: Arc<Handler>, log: Arc<Mutex<Vec<Request>>>) {
    let mut buffer = Vec::new();
    loop {
        let Some(request) = read_request(&mut stream, &mut buffer).await else {
            return; // closed, or not HTTP (e.g. a TLS hello): drop the connection
        };
        log.lock().expect("log").push(request.clone());
        let head_only = request.method == "HEAD";
        let mut action = handler(&request);
        let action = loop {
            match action {
                Action::Delay(wait, next) => {
                    tokio::time::sleep(wait).await;
                    action = *next;
                }
                other => break other,
            }
        };
        let ok = match action {
            Action::Respond {
                status,
                headers,
                body,
            } => write_response(&mut stream, status, &headers, &body, head_only, body.len()).await,
            Action::Truncate(inner) => {
                if let Action::Respond {
                    status,
                    headers,
                    body,
                } = *inner
                {
                    let _ = write_response(
                        &mut stream,
                        status,
                        &headers,
                        &body[..body.len() / 2],
                        false,
                        body.len(),
                    )
                    .await;
                }
                false
            }
            Action::Endless(headers) => {
                let _ = write_endless(&mut stream, &headers).await;
                false
            }
            Action::Stall => {
                tokio::time::sleep(Duration::from_secs(300)).await;
                false
            }
            Action::Reset | Action::Delay(..) => false,
        };
        if !ok {
            return;
        }
    }
}

async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<Request> {
    loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8(buffer[..end].to_vec()).ok()?;
            let mut lines = head.split("\r\n");
            let mut first = lines.next()?.split(' ');
            let (method, path) = (first.next()?.to_owned(), first.next()?.to_owned());
            let headers: Vec<(String, String)> = lines
                .filter_map(|l| l.split_once(':'))
                .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
                .collect();
            let length: usize = headers
                .iter()
                .find(|(k, _)| k == "content-length")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(0);
            while buffer.len() < end + 4 + length {
                read_more(stream, buffer).await?;
            }
            let body = buffer[end + 4..end + 4 + length].to_vec();
            buffer.drain(..end + 4 + length);
            return Some(Request {
                method,
                path,
                headers,
                body,
                at: Instant::now(),
            });
        }
        if buffer.len() > 64 * 1024 || !buffer.is_empty() && !buffer[0].is_ascii_uppercase() {
            return None;
        }
        read_more(stream, buffer).await?;
    }
}

async fn read_more(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<()> {
    let mut chunk = [0u8; 8192];
    let n = stream.read(&mut chunk).await.ok()?;
    (n > 0).then(|| buffer.extend_from_slice(&chunk[..n]))
}

async fn write_response(
    stream: &mut TcpStream,
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
    head_only: bool,
    announced: usize,
) -> bool {
    let mut out = format!("HTTP/1.1 {status} X\r\ncontent-length: {announced}\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    if !head_only {
        bytes.extend_from_slice(body);
    }
    stream.write_all(&bytes).await.is_ok() && stream.flush().await.is_ok()
}

/// A chunked body of 64 KiB chunks, sent until the client stops reading.
async fn write_endless(
    stream: &mut TcpStream,
    headers: &[(String, String)],
) -> std::io::Result<()> {
    let mut head = "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n".to_owned();
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    let chunk = [b' '; 64 * 1024];
    loop {
        stream
            .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
            .await?;
        stream.write_all(&chunk).await?;
        stream.write_all(b"\r\n").await?;
    }
}
