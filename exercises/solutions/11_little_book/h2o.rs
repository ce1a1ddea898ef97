// h2o: hydrogen and oxygen atoms bond in threes: exactly two H and one O.
//
// Lesson: none shows it (`cargo run --bin lesson-semaphore` shows a Semaphore keeping count).
// The Python it mirrors (the Little Book of Semaphores, §5.6, before it works):
//
//     barrier = threading.Barrier(3)         # three atoms make a molecule
//
//     def hydrogen():
//         bond()
//         barrier.wait()
//
//     def oxygen():
//         bond()
//         barrier.wait()
//
// What to fix: the barrier lets any three atoms through together. Three hydrogen atoms arrive
// first and make H3, not H2O. Make `hydrogen` and `oxygen` wait so that at most two hydrogen atoms
// and one oxygen atom bond at a time. Keep the barrier: it closes each molecule.

use lockstep::{Barrier, Mutex, Semaphore};
use std::sync::Arc;

/// The checker's record: the atoms that bonded since the last molecule, and every molecule.
#[derive(Default)]
struct Record {
    bonding: Mutex<Vec<String>>,
    molecules: Mutex<Vec<Vec<String>>>,
}

impl Record {
    /// The barrier's action: the atoms that bonded since the last molecule make one molecule,
    /// and it must be water.
    fn close_molecule(&self) {
        let atoms = std::mem::take(&mut *self.bonding.lock());
        let hydrogens = atoms.iter().filter(|atom| atom.starts_with("hydrogen")).count();
        let oxygens = atoms.len() - hydrogens;
        let mut molecules = self.molecules.lock();
        molecules.push(atoms.clone());
        if (hydrogens, oxygens) != (2, 1) {
            let number = molecules.len();
            drop(molecules);
            lockstep_check::fail(
                "wrong molecule",
                "every molecule to be 2 hydrogen + 1 oxygen (H2O)",
                format!(
                    "molecule {number} was {} ({} bonded together)",
                    formula(hydrogens, oxygens),
                    atoms.join(", ")
                ),
                1,
            );
        }
    }
}

/// "H2O", "H3", "HO2", ...
fn formula(hydrogens: usize, oxygens: usize) -> String {
    let element = |symbol: &str, n: usize| match n {
        0 => String::new(),
        1 => symbol.to_owned(),
        n => format!("{symbol}{n}"),
    };
    element("H", hydrogens) + &element("O", oxygens)
}

struct Reactor {
    /// Three atoms per molecule; the last one to arrive closes it.
    barrier: Barrier,
    /// Places for the atoms of the molecule being formed: two for hydrogen, one for oxygen.
    hydrogen_places: Semaphore,
    oxygen_places: Semaphore,
    record: Arc<Record>,
}

impl Reactor {
    fn new() -> Reactor {
        let record = Arc::new(Record::default());
        let closing = Arc::clone(&record);
        let close_molecule = move || closing.close_molecule();
        Reactor {
            barrier: Barrier::new(3).with_action(close_molecule),
            hydrogen_places: Semaphore::new(2),
            oxygen_places: Semaphore::new(1),
            record,
        }
    }

    /// This atom joins the molecule being formed.
    fn bond(&self, who: &str) {
        self.record.bonding.lock().push(who.to_owned());
    }
}

// Each atom takes a place before it bonds and gives it back only after the barrier: the three
// atoms a cycle of the barrier lets through are the two hydrogen and the one oxygen that hold a
// place. The next molecule's atoms take the places as this one's atoms leave.

fn hydrogen(reactor: &Reactor, who: &str) {
    let _place = reactor.hydrogen_places.permit();
    reactor.bond(who);
    let _ = reactor.barrier.wait();
}

fn oxygen(reactor: &Reactor, who: &str) {
    let _place = reactor.oxygen_places.permit();
    reactor.bond(who);
    let _ = reactor.barrier.wait();
}

/// The atoms in the order they arrive, 20 ms apart.
const ARRIVALS: [&str; 9] = [
    "hydrogen-1",
    "hydrogen-2",
    "hydrogen-3",
    "oxygen-1",
    "oxygen-2",
    "oxygen-3",
    "hydrogen-4",
    "hydrogen-5",
    "hydrogen-6",
];

/// Every molecule formed, each a list of its atoms.
fn run() -> Vec<Vec<String>> {
    let reactor = Arc::new(Reactor::new());
    let mut crew = lockstep_check::Crew::new("6 hydrogen and 3 oxygen atoms to make 3 molecules of water")
        .hang_is("hang", 3);
    for who in ARRIVALS {
        let reactor = Arc::clone(&reactor);
        crew.spawn(who, move || {
            if who.starts_with("hydrogen") {
                hydrogen(&reactor, who);
            } else {
                oxygen(&reactor, who);
            }
        });
        lockstep_check::pause(20);
    }
    crew.join();
    reactor.record.molecules.lock().clone()
}

fn main() {
    for (at, atoms) in run().iter().enumerate() {
        println!("molecule {}: {}", at + 1, atoms.join(", "));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each molecule is checked as it forms (`Record::close_molecule`); here, that all formed.
    #[test]
    fn every_molecule_is_water() {
        let molecules = run();
        if molecules.len() != 3 {
            lockstep_check::fail(
                "wrong molecule",
                "3 molecules of water from 6 hydrogen and 3 oxygen atoms",
                format!("{} molecules formed", molecules.len()),
                2,
            );
        }
    }
}
