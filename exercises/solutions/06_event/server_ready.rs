// server_ready: clients wait until the server is ready, with an Event set at the right time.
//
// Lesson: `cargo run --bin lesson-event` (part 2: a server and its clients).
// The Python it mirrors:
//
//     ready = threading.Event()
//
//     def server():
//         bind_port()
//         load_config()             # starting up takes a while
//         ready.set()               # only now may clients connect
//         serve()
//
//     def client(n):
//         ready.wait()              # connect only once the server is ready
//         connect()
//
// What to fix: the clients wait for `ready` as they should, but the server
// sets it while it is still starting up, so they connect to a server that
// cannot serve them yet. Make `ready` mean what it says. (There are no real
// sockets: the server's state is a word that `connect` checks.)

use lockstep::{Event, Mutex};
use lockstep_check::Log;
use std::sync::Arc;
use std::time::Duration;

struct Server {
    /// Set when the server can serve: clients wait for it.
    ready: Event,
    /// What the server is doing: "down", "binding the port", ...
    state: Mutex<&'static str>,
    log: Log,
}

impl Server {
    fn new() -> Server {
        Server { ready: Event::new(), state: Mutex::new("down"), log: Log::new() }
    }

    fn set_state(&self, state: &'static str) {
        *self.state.lock() = state;
        self.log.push(format!("server: {state}"));
    }

    /// Starts up: binds its port, loads its config, then serves.
    fn start(&self) {
        self.set_state("binding the port");
        lockstep_check::pause(20);
        self.set_state("loading the config");
        lockstep_check::pause(300);
        self.set_state("serving");
        // Only now is the server ready: the event tells the clients so.
        self.ready.set();
    }

    /// A client connects (don't change it): only a serving server accepts.
    fn connect(&self, client: &str) -> Result<(), String> {
        let state = *self.state.lock();
        self.log.push(format!("{client}: connects, the server is {state}"));
        if state == "serving" {
            Ok(())
        } else {
            Err(format!("{client} connected while the server was {state}"))
        }
    }
}

/// A client (don't change it): waits for the server to be ready, then connects.
fn client(server: &Server, name: &str) -> Result<(), String> {
    server.ready.wait();
    server.connect(name)
}

/// Three clients and a server start together; returns each client's result.
fn run() -> (Arc<Server>, Vec<Result<(), String>>) {
    let server = Arc::new(Server::new());
    let results = Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut crew = lockstep_check::Crew::new("the server to start and all 3 clients to connect")
        .hang_is("never ready", 2)
        .limit(Duration::from_secs(3));
    for i in 1..=3 {
        let (mine, results) = (Arc::clone(&server), Arc::clone(&results));
        let name = format!("client-{i}");
        crew.spawn(name.clone(), move || {
            let result = client(&mine, &name);
            results.lock().unwrap().push(result);
        });
    }
    let mine = Arc::clone(&server);
    crew.spawn("server", move || mine.start());
    crew.join();
    let results = results.lock().unwrap().clone();
    (server, results)
}

fn main() {
    let (server, results) = run();
    println!("what happened: {}", server.log);
    let refused = results.iter().filter(|result| result.is_err()).count();
    println!("{} of 3 clients connected to a server that could serve them", 3 - refused);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clients_connect_only_to_a_serving_server() {
        let (server, results) = run();
        if results.len() != 3 {
            lockstep_check::fail(
                "missing client",
                "all 3 clients to connect",
                format!("{} did (what happened: {})", results.len(), server.log),
                3,
            );
        }
        if let Some(Err(why)) = results.iter().find(|result| result.is_err()) {
            lockstep_check::fail(
                "used before ready",
                "every client to connect to a serving server, since each waits for `ready`",
                format!("{why}: `ready` was set before the server was ready (what happened: {})", server.log),
                1,
            );
        }
    }
}
