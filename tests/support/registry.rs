//! A real registry process for one test: `docker-registry serve` on a free 127.0.0.1 port with its own
//! storage (the in-memory driver: nothing to clean up, and pushes do no disk I/O), plain HTTP or TLS (a CA made for it with the `openssl` CLI) with optional
//! htpasswd basic auth (`htpasswd -Bbn`). Killed when dropped.
//!
//! The binary is `docker-registry` from `PATH`, or `$STREAMLOCK_DOCKER_REGISTRY`.

use std::fs;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct TestRegistry {
    /// `127.0.0.1:PORT`, the registry host as lookups name it.
    pub addr: String,
    /// The CA certificate (PEM) that signed the server's certificate, for TLS registries.
    pub ca_file: Option<PathBuf>,
    /// The htpasswd user and password, when auth is on.
    pub login: Option<(String, String)>,
    access_log: PathBuf,
    child: Child,
    _dir: tempfile::TempDir,
}

#[derive(Default)]
pub struct Options {
    pub tls: bool,
    pub htpasswd: Option<(String, String)>,
    /// Serve `DELETE /v2/<name>/manifests/<digest>` (distribution refuses it unless enabled).
    pub delete: bool,
}

impl TestRegistry {
    /// Plain HTTP, no auth.
    pub fn plain() -> Self {
        Self::start(Options::default())
    }

    /// TLS with its own CA, and htpasswd basic auth for `user`/`password`.
    pub fn tls_with_login(user: &str, password: &str) -> Self {
        Self::start(Options {
            tls: true,
            htpasswd: Some((user.to_owned(), password.to_owned())),
            delete: false,
        })
    }

    pub fn start(options: Options) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        let port = free_port();
        let addr = format!("127.0.0.1:{port}");
        let delete = if options.delete {
            "  delete:\n    enabled: true\n"
        } else {
            ""
        };
        let mut config = format!(
            "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: false\nstorage:\n  inmemory: {{}}\n{delete}http:\n  addr: {addr}\n  secret: test-secret\n"
        );
        let ca_file = options.tls.then(|| {
            let (ca, cert, key) = make_certificates(root);
            config.push_str(&format!(
                "  tls:\n    certificate: {}\n    key: {}\n",
                cert.display(),
                key.display()
            ));
            ca
        });
        if let Some((user, password)) = &options.htpasswd {
            let out = Command::new("htpasswd")
                .args(["-Bbn", user, password])
                .output()
                .expect("htpasswd (apache2-utils) must be installed");
            assert!(out.status.success(), "htpasswd failed");
            let path = root.join("htpasswd");
            fs::write(&path, out.stdout).expect("write htpasswd");
            config.push_str(&format!(
                "auth:\n  htpasswd:\n    realm: test-realm\n    path: {}\n",
                path.display()
            ));
        }
        let config_path = root.join("config.yml");
        fs::write(&config_path, config).expect("write config");
        let access_log = root.join("access.log");
        let binary = std::env::var("STREAMLOCK_DOCKER_REGISTRY")
            .unwrap_or_else(|_| "docker-registry".into());
        let child = Command::new(binary)
            .arg("serve")
            .arg(&config_path)
            .stdin(Stdio::null())
            .stdout(fs::File::create(&access_log).expect("access log"))
            .stderr(fs::File::create(root.join("registry.log")).expect("registry log"))
            .spawn()
            .expect("docker-registry must be installed (Debian package docker-registry)");
        let mut registry = TestRegistry {
            addr,
            ca_file,
            login: options.htpasswd,
            access_log,
            child,
            _dir: dir,
        };
        registry.wait_until_listening();
        registry
    }

    fn wait_until_listening(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(15);
        let addr: SocketAddr = self.addr.parse().expect("socket address");
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("docker-registry exited early ({status}); see its log");
            }
            if TcpStream::connect_timeout(&addr, Duration::from_millis(100)).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!(
            "docker-registry did not listen on {} within 15 s",
            self.addr
        );
    }

    /// `http://ADDR` or `https://ADDR`.
    pub fn base_url(&self) -> String {
        let scheme = if self.ca_file.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}", self.addr)
    }

    /// Requests served so far, from the access log, as `METHOD PATH STATUS`. The registry writes a line
    /// after it answers, so this waits until the log has been quiet for a moment.
    pub fn requests(&self) -> Vec<String> {
        let mut last = usize::MAX;
        loop {
            let text = fs::read_to_string(&self.access_log).unwrap_or_default();
            let lines: Vec<String> = text.lines().filter_map(parse_access_line).collect();
            if lines.len() == last {
                return lines;
            }
            last = lines.len();
            std::thread::sleep(Duration::from_millis(150));
        }
    }
}

impl Drop for TestRegistry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `127.0.0.1 - - [date] "HEAD /v2/a/manifests/t HTTP/1.1" 200 0 "" "ua"` → `HEAD /v2/a/manifests/t 200`.
fn parse_access_line(line: &str) -> Option<String> {
    let (_, rest) = line.split_once('"')?;
    let (request, rest) = rest.split_once('"')?;
    let mut words = request.split(' ');
    let (method, path) = (words.next()?, words.next()?);
    let status = rest.split_whitespace().next()?;
    Some(format!("{method} {path} {status}"))
}

/// A port that was free a moment ago. The registry binds it right after; a clash fails the test
/// loudly rather than silently.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// A CA and a server certificate for 127.0.0.1 signed by it (EC P-256). Returns (ca, cert, key).
pub fn make_certificates(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let p = |name: &str| dir.join(name);
    let run = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("openssl CLI must be installed");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    run(&[
        &["req", "-x509"],
        &ec[..],
        &[
            "-keyout",
            "ca.key",
            "-out",
            "ca.crt",
            "-days",
            "2",
            "-subj",
            "/CN=streamlock-test-ca",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    ]
    .concat());
    run(&[
        &["req"],
        &ec[..],
        &[
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=127.0.0.1",
        ],
    ]
    .concat());
    fs::write(
        p("server.ext"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature\n",
    )
    .expect("write ext");
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.crt",
        "-days",
        "2",
        "-extfile",
        "server.ext",
    ]);
    (p("ca.crt"), p("server.crt"), p("server.key"))
}

/// An ImageDigestMirrorSet and an ImageTagMirrorSet that send every `source` to `mirror` and never to
/// the source itself: what keeps a test's lookups of real registry names on loopback.
pub fn loopback_mirror_sets<S: AsRef<str>>(sources: &[S], mirror: &str) -> String {
    let entries: String = sources
        .iter()
        .map(|s| {
            format!(
                "  - source: {}\n    mirrors: [\"{mirror}\"]\n    mirrorSourcePolicy: NeverContactSource\n",
                s.as_ref()
            )
        })
        .collect();
    format!(
        "apiVersion: config.openshift.io/v1\nkind: ImageDigestMirrorSet\nspec:\n  imageDigestMirrors:\n{entries}---\n\
         apiVersion: config.openshift.io/v1\nkind: ImageTagMirrorSet\nspec:\n  imageTagMirrors:\n{entries}"
    )
}
