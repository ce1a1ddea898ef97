//! Line-based TCP on 127.0.0.1 for the lessons' servers, bounded by
//! timeouts: [`listen`] on a port the system picks, [`accept_until`] a
//! deadline (or [`accept_up_to`] a number of clients), and a [`LineConn`] that sends and receives whole lines and
//! never waits for its peer longer than its timeout.

use std::io::{self, BufRead, BufReader, ErrorKind, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

/// A listener on 127.0.0.1 only, on a port the system picks (Python's
/// `socket.create_server(("127.0.0.1", 0))`), and its address.
///
/// ```
/// let (_listener, address) = lockstep_lessons::listen();
/// assert!(address.ip().is_loopback() && address.port() != 0);
/// ```
pub fn listen() -> (TcpListener, SocketAddr) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("listen on 127.0.0.1");
    let address = listener.local_addr().expect("the port the system chose");
    (listener, address)
}

/// The next connection (`server.accept()`), polling every millisecond
/// until one comes; `Ok(None)` once `deadline` has passed without one.
///
/// ```
/// use std::time::{Duration, Instant};
/// let (listener, address) = lockstep_lessons::listen();
/// let _client = std::net::TcpStream::connect(address).unwrap();
/// let deadline = Instant::now() + Duration::from_secs(5);
/// assert!(lockstep_lessons::accept_until(&listener, deadline).unwrap().is_some());
/// assert!(lockstep_lessons::accept_until(&listener, Instant::now()).unwrap().is_none());
/// ```
pub fn accept_until(
    listener: &TcpListener,
    deadline: Instant,
) -> io::Result<Option<(TcpStream, SocketAddr)>> {
    listener.set_nonblocking(true)?;
    while Instant::now() < deadline {
        match listener.accept() {
            Ok(connection) => return Ok(Some(connection)),
            // Sleep only as the polling interval.
            Err(error) if error.kind() == ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(1))
            }
            Err(error) => return Err(error),
        }
    }
    Ok(None)
}

/// The server's accept loop: accepts up to `count` connections, each
/// handed to `serve` with how many came before it, until `deadline`.
/// Returns how many it accepted, and the error that stopped it, if any.
///
/// ```
/// use std::time::{Duration, Instant};
/// let (listener, address) = lockstep_lessons::listen();
/// let _clients = [0, 1].map(|_| std::net::TcpStream::connect(address).unwrap());
/// let mut peers = Vec::new();
/// let deadline = Instant::now() + Duration::from_secs(5);
/// let (accepted, error) = lockstep_lessons::accept_up_to(&listener, 2, deadline, |before, _conn, peer| {
///     peers.push((before, peer));
/// });
/// assert_eq!((accepted, error.is_none(), peers.len()), (2, true, 2));
/// ```
pub fn accept_up_to(
    listener: &TcpListener,
    count: usize,
    deadline: Instant,
    mut serve: impl FnMut(usize, TcpStream, SocketAddr),
) -> (usize, Option<io::Error>) {
    for accepted in 0..count {
        match accept_until(listener, deadline) {
            Ok(Some((conn, peer))) => serve(accepted, conn, peer),
            Ok(None) => return (accepted, None),
            Err(error) => return (accepted, Some(error)),
        }
    }
    (count, None)
}

/// One end of a connection that speaks in lines (each ending in `\n`),
/// with read and write timeouts: nobody waits for a peer forever.
///
/// ```
/// use lockstep_lessons::LineConn;
/// use std::time::{Duration, Instant};
/// let (listener, address) = lockstep_lessons::listen();
/// let timeout = Duration::from_secs(5);
/// let mut client = LineConn::connect(address, timeout).unwrap();
/// let (conn, _) = lockstep_lessons::accept_until(&listener, Instant::now() + timeout).unwrap().unwrap();
/// let mut server = LineConn::new(conn, timeout).unwrap();
/// client.send("hello\n").unwrap();
/// assert_eq!(server.receive().unwrap().as_deref(), Some("hello\n"));
/// ```
#[derive(Debug)]
pub struct LineConn {
    /// Reads whole lines from the socket.
    reader: BufReader<TcpStream>,
    /// The same socket, to write to.
    writer: TcpStream,
}

impl LineConn {
    /// Wraps an accepted connection: blocking, with `timeout` on reads and
    /// writes.
    ///
    /// ```
    /// # use std::time::{Duration, Instant};
    /// # let (listener, address) = lockstep_lessons::listen();
    /// # let _client = std::net::TcpStream::connect(address).unwrap();
    /// let (conn, _) = lockstep_lessons::accept_until(&listener, Instant::now() + Duration::from_secs(5))
    ///     .unwrap()
    ///     .unwrap();
    /// let _conn = lockstep_lessons::LineConn::new(conn, Duration::from_secs(1)).unwrap();
    /// ```
    pub fn new(conn: TcpStream, timeout: Duration) -> io::Result<LineConn> {
        conn.set_nonblocking(false)?;
        conn.set_read_timeout(Some(timeout))?;
        conn.set_write_timeout(Some(timeout))?;
        Ok(LineConn { reader: BufReader::new(conn.try_clone()?), writer: conn })
    }

    /// Connects to `address`, waiting at most `timeout` (for the
    /// connection, and then for each read and write).
    ///
    /// ```
    /// let (_listener, address) = lockstep_lessons::listen();
    /// assert!(lockstep_lessons::LineConn::connect(address, std::time::Duration::from_secs(1)).is_ok());
    /// ```
    pub fn connect(address: SocketAddr, timeout: Duration) -> io::Result<LineConn> {
        LineConn::new(TcpStream::connect_timeout(&address, timeout)?, timeout)
    }

    /// Sends `line` (which should end in `\n`).
    ///
    /// ```
    /// # let (_listener, address) = lockstep_lessons::listen();
    /// let mut conn = lockstep_lessons::LineConn::connect(address, std::time::Duration::from_secs(1)).unwrap();
    /// conn.send("hello\n").unwrap();
    /// ```
    pub fn send(&mut self, line: &str) -> io::Result<()> {
        self.writer.write_all(line.as_bytes())
    }

    /// The next line, with its `\n`; `Ok(None)` when the peer has left.
    ///
    /// ```
    /// # use std::time::{Duration, Instant};
    /// # let (listener, address) = lockstep_lessons::listen();
    /// # let (timeout, deadline) = (Duration::from_secs(5), Instant::now() + Duration::from_secs(5));
    /// let client = lockstep_lessons::LineConn::connect(address, timeout).unwrap();
    /// let (conn, _) = lockstep_lessons::accept_until(&listener, deadline).unwrap().unwrap();
    /// drop(client); // the client leaves
    /// assert_eq!(lockstep_lessons::LineConn::new(conn, timeout).unwrap().receive().unwrap(), None);
    /// ```
    pub fn receive(&mut self) -> io::Result<Option<String>> {
        let mut line = String::new();
        Ok((self.reader.read_line(&mut line)? > 0).then_some(line))
    }

    /// Sends `line` and waits for the one that comes back (an echo
    /// server's answer); an error if the peer left instead.
    ///
    /// ```
    /// # use std::time::{Duration, Instant};
    /// # let (listener, address) = lockstep_lessons::listen();
    /// # let timeout = Duration::from_secs(5);
    /// let mut client = lockstep_lessons::LineConn::connect(address, timeout).unwrap();
    /// let (conn, _) = lockstep_lessons::accept_until(&listener, Instant::now() + timeout).unwrap().unwrap();
    /// let server = std::thread::spawn(move || lockstep_lessons::LineConn::new(conn, timeout)?.echo(|_| ()));
    /// assert_eq!(client.ask("hi\n").unwrap(), "hi\n");
    /// drop(client);
    /// server.join().unwrap().unwrap();
    /// ```
    pub fn ask(&mut self, line: &str) -> io::Result<String> {
        self.send(line)?;
        self.receive()?.ok_or_else(|| io::Error::new(ErrorKind::UnexpectedEof, "the peer left"))
    }

    /// The echo server's loop: sends every line back as it came, after
    /// showing it to `heard`, until the peer leaves (`Ok`) or a read or
    /// write fails or times out (the error).
    ///
    /// ```
    /// # use std::time::{Duration, Instant};
    /// # let (listener, address) = lockstep_lessons::listen();
    /// # let timeout = Duration::from_secs(5);
    /// let mut client = lockstep_lessons::LineConn::connect(address, timeout).unwrap();
    /// let (conn, _) = lockstep_lessons::accept_until(&listener, Instant::now() + timeout).unwrap().unwrap();
    /// client.send("one\n").unwrap();
    /// drop(client);
    /// let mut heard = Vec::new();
    /// lockstep_lessons::LineConn::new(conn, timeout).unwrap().echo(|line| heard.push(line.to_string())).ok();
    /// assert_eq!(heard, ["one\n"]);
    /// ```
    pub fn echo(&mut self, mut heard: impl FnMut(&str)) -> io::Result<()> {
        while let Some(line) = self.receive()? {
            heard(&line);
            self.send(&line)?;
        }
        Ok(())
    }
}
