//! Admission and queueing of analyses.
//!
//! [`Gate`]: a bounded number of requests in progress on the server, and a
//! bounded number per client, refused at once beyond either (`503` / `429`).
//!
//! [`Lane`]: the queue of one tier, with a fixed number of workers and
//! round-robin order between clients, so that one client's burst does not
//! delay everyone else. A request takes a [`Ticket`] ([`Lane::enqueue`]),
//! waits for its turn ([`Ticket::turn`]), then runs holding the ticket;
//! dropping the ticket at any moment gives its place (and its worker, if it
//! had one) back. Turns are given client by client in rotation: with
//! clients A (three waiting) and B (one), the order is A, B, A, A.
//!
//! Every change bumps a [`watch`] counter, so a waiting request can follow
//! its position ([`Ticket::position`]) without polling.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::watch;

/// Who sent a request, for fairness: the peer's IP address, or
/// [`Client::Unknown`] when the connection's address is not known (the
/// router driven without a listener, as in tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Client {
    /// The peer's IP address (every connection from one address is one client).
    Ip(IpAddr),
    /// No address known.
    Unknown,
}

/// How many recent analyses the latency figures and estimates look at.
const RECENT: usize = 128;

/// Why [`Gate::admit`] refused a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Every place on the server is taken.
    Full {
        /// The places.
        capacity: usize,
    },
    /// This client holds its share of the places already.
    ClientShare {
        /// Places one client may hold.
        per_client: usize,
    },
}

/// Requests in progress on the server: at most `capacity`, at most
/// `per_client` from one client. Shared behind an [`Arc`].
pub struct Gate {
    capacity: usize,
    per_client: usize,
    held: Mutex<HashMap<Client, usize>>,
}

impl Gate {
    /// A gate with `capacity` places, `per_client` per client (each raised
    /// to at least 1; `per_client` lowered to at most `capacity`).
    pub fn new(capacity: usize, per_client: usize) -> Gate {
        let capacity = capacity.max(1);
        Gate {
            capacity,
            per_client: per_client.clamp(1, capacity),
            held: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<Client, usize>> {
        self.held.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A place for `client`, or why not. Never waits.
    ///
    /// # Errors
    /// [`Refusal`] when the server or the client's share is full.
    pub fn admit(self: &Arc<Self>, client: Client) -> Result<Pass, Refusal> {
        let mut held = self.lock();
        if held.values().sum::<usize>() >= self.capacity {
            return Err(Refusal::Full {
                capacity: self.capacity,
            });
        }
        let mine = held.entry(client).or_default();
        if *mine >= self.per_client {
            return Err(Refusal::ClientShare {
                per_client: self.per_client,
            });
        }
        *mine += 1;
        Ok(Pass {
            gate: self.clone(),
            client,
        })
    }

    /// Places taken now.
    pub fn taken(&self) -> usize {
        self.lock().values().sum()
    }

    /// Places one client may hold.
    #[cfg(test)]
    pub fn per_client(&self) -> usize {
        self.per_client
    }

    /// Places held by `client` now.
    #[cfg(test)]
    pub fn held_by(&self, client: Client) -> usize {
        self.lock().get(&client).copied().unwrap_or(0)
    }
}

/// A place at the [`Gate`], given back when dropped.
pub struct Pass {
    gate: Arc<Gate>,
    client: Client,
}

impl Pass {
    /// Who holds this place.
    pub fn client(&self) -> Client {
        self.client
    }
}

impl Drop for Pass {
    fn drop(&mut self) {
        let mut held = self.gate.lock();
        if let Some(n) = held.get_mut(&self.client) {
            *n -= 1;
            if *n == 0 {
                held.remove(&self.client);
            }
        }
    }
}

/// The queue of one tier. Shared behind an [`Arc`].
pub struct Lane {
    tier: &'static str,
    workers: usize,
    state: Mutex<State>,
    changed: watch::Sender<u64>,
}

#[derive(Default)]
struct State {
    next_ticket: u64,
    running: usize,
    /// Tickets granted a worker and not yet dropped.
    granted: Vec<u64>,
    /// Waiting tickets per client, oldest first.
    waiting: HashMap<Client, VecDeque<u64>>,
    /// Clients with waiting tickets, in the order their next turn comes.
    rotation: VecDeque<Client>,
    /// Recent analyses: (time waited for a worker, time running), newest last.
    recent: VecDeque<(Duration, Duration)>,
}

impl State {
    fn waiting_total(&self) -> usize {
        self.waiting.values().map(VecDeque::len).sum()
    }

    fn mean_run(&self) -> Option<Duration> {
        if self.recent.is_empty() {
            return None;
        }
        let total: Duration = self.recent.iter().map(|(_, run)| *run).sum();
        Some(total / self.recent.len() as u32)
    }
}

/// The state of a lane for `GET /api/health`.
#[derive(Debug, Clone, Serialize)]
pub struct LaneHealth {
    /// Analyses that may run at once.
    pub workers: usize,
    /// Analyses running now.
    pub running: usize,
    /// Analyses waiting for a worker now (the queue depth).
    pub queued: usize,
    /// Clients with an analysis waiting.
    pub clients_waiting: usize,
    /// The recent analyses (at most 128) this lane ran.
    pub recent: RecentLatency,
}

/// Latency of a lane's recent analyses, in seconds (`null` before the first).
#[derive(Debug, Clone, Serialize)]
pub struct RecentLatency {
    /// How many analyses the figures cover.
    pub analyses: usize,
    /// Median time running.
    pub run_p50_s: Option<f64>,
    /// 99th percentile of the time running.
    pub run_p99_s: Option<f64>,
    /// Median time waiting for a worker.
    pub wait_p50_s: Option<f64>,
    /// 99th percentile of the time waiting for a worker.
    pub wait_p99_s: Option<f64>,
}

/// Where a waiting or running request stands, as told to a streaming client.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Position {
    /// `0` when running, else the place in the queue (1 = next).
    pub position: usize,
    /// Seconds until the result, roughly: the recent mean analysis time ×
    /// (rounds of waiting + 1); `None` before this lane has run anything.
    pub estimate_s: Option<f64>,
}

impl Lane {
    /// A lane of `tier` with `workers` workers (at least 1).
    pub fn new(tier: &'static str, workers: usize) -> Lane {
        Lane {
            tier,
            workers: workers.max(1),
            state: Mutex::new(State::default()),
            changed: watch::channel(0).0,
        }
    }

    /// The tier this lane runs.
    pub fn tier(&self) -> &'static str {
        self.tier
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Every update below leaves the state consistent before it can panic.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn bump(&self) {
        self.changed.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// A place in this lane's queue for `client` (the [`Gate`] bounds how
    /// many there can be); it runs at once when a worker is free.
    pub fn enqueue(self: &Arc<Self>, client: Client) -> Ticket {
        let mut state = self.lock();
        let id = state.next_ticket;
        state.next_ticket += 1;
        let queue = state.waiting.entry(client).or_default();
        queue.push_back(id);
        if queue.len() == 1 {
            state.rotation.push_back(client);
        }
        self.grant(&mut state);
        drop(state);
        self.bump();
        Ticket {
            lane: self.clone(),
            id,
            client,
            admitted: Instant::now(),
            started: None,
            changes: self.changed.subscribe(),
        }
    }

    /// Seconds until about `jobs` analyses of this lane are done: the
    /// recent mean time × jobs / workers; `None` before the first.
    pub fn seconds_for(&self, jobs: usize) -> Option<f64> {
        let mean = self.lock().mean_run()?;
        Some(mean.as_secs_f64() * jobs as f64 / self.workers as f64)
    }

    /// Gives free workers to the next waiting tickets in rotation.
    fn grant(&self, state: &mut State) {
        while state.running < self.workers {
            let Some(client) = state.rotation.pop_front() else {
                return;
            };
            let Some(queue) = state.waiting.get_mut(&client) else {
                continue;
            };
            let Some(id) = queue.pop_front() else {
                state.waiting.remove(&client);
                continue;
            };
            if queue.is_empty() {
                state.waiting.remove(&client);
            } else {
                state.rotation.push_back(client);
            }
            state.running += 1;
            state.granted.push(id);
        }
    }

    /// The number of waiting tickets served before `id` of `client`, or
    /// `None` when it is not waiting.
    fn ahead(state: &State, client: Client, id: u64) -> Option<usize> {
        let queue = state.waiting.get(&client)?;
        let index = queue.iter().position(|&t| t == id)?;
        let turn = state.rotation.iter().position(|&c| c == client)?;
        // Rounds 0..index serve up to one ticket of every client each; in
        // round `index`, the clients before this one in rotation go first.
        let mut ahead = index;
        for (k, other) in state.rotation.iter().enumerate() {
            if *other == client {
                continue;
            }
            let len = state.waiting.get(other).map_or(0, VecDeque::len);
            ahead += len.min(index);
            if k < turn && len > index {
                ahead += 1;
            }
        }
        Some(ahead)
    }

    /// This lane's state, for `GET /api/health`.
    pub fn health(&self) -> LaneHealth {
        let state = self.lock();
        let mut runs: Vec<f64> = state.recent.iter().map(|r| r.1.as_secs_f64()).collect();
        let mut waits: Vec<f64> = state.recent.iter().map(|r| r.0.as_secs_f64()).collect();
        LaneHealth {
            workers: self.workers,
            running: state.running,
            queued: state.waiting_total(),
            clients_waiting: state.waiting.len(),
            recent: RecentLatency {
                analyses: state.recent.len(),
                run_p50_s: percentile(&mut runs, 0.50),
                run_p99_s: percentile(&mut runs, 0.99),
                wait_p50_s: percentile(&mut waits, 0.50),
                wait_p99_s: percentile(&mut waits, 0.99),
            },
        }
    }

    /// Analyses running now.
    #[cfg(test)]
    pub fn running(&self) -> usize {
        self.lock().running
    }

    /// Analyses waiting now.
    #[cfg(test)]
    pub fn queued(&self) -> usize {
        self.lock().waiting_total()
    }
}

/// The nearest-rank percentile `q` of `values` (sorted here), in seconds
/// rounded to milliseconds.
fn percentile(values: &mut [f64], q: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let rank = ((q * values.len() as f64).ceil() as usize).clamp(1, values.len());
    Some((values[rank - 1] * 1000.0).round() / 1000.0)
}

/// One request's place in a [`Lane`]: waiting, then running. Dropping it
/// gives the place back (and the worker, when it ran), and records how long
/// it ran.
pub struct Ticket {
    lane: Arc<Lane>,
    id: u64,
    client: Client,
    admitted: Instant,
    started: Option<Instant>,
    changes: watch::Receiver<u64>,
}

impl Ticket {
    /// Whether this ticket holds a worker.
    fn is_granted(&self, state: &State) -> bool {
        state.granted.contains(&self.id)
    }

    /// Where this ticket stands now.
    pub fn position(&self) -> Position {
        let state = self.lane.lock();
        let mean = state.mean_run().map(|d| d.as_secs_f64());
        if self.is_granted(&state) {
            return Position {
                position: 0,
                estimate_s: mean,
            };
        }
        let ahead = Lane::ahead(&state, self.client, self.id).unwrap_or(0);
        let rounds = (ahead / self.lane.workers) as f64 + 1.0;
        Position {
            position: ahead + 1,
            estimate_s: mean.map(|m| ((m * (rounds + 1.0)) * 10.0).round() / 10.0),
        }
    }

    /// Waits until this ticket holds a worker. `on_move` is called with the
    /// new position each time it changes while waiting (not for the first).
    pub async fn turn(&mut self, mut on_move: impl FnMut(Position)) {
        let mut last = None;
        loop {
            // Mark the current version seen before looking, so no change is missed.
            self.changes.borrow_and_update();
            if self.is_granted(&self.lane.lock()) {
                self.started = Some(Instant::now());
                return;
            }
            let now = self.position();
            if last.is_some_and(|p: Position| p.position != now.position) {
                on_move(now);
            }
            last = Some(now);
            if self.changes.changed().await.is_err() {
                // The sender lives in the lane, which this ticket holds.
                std::future::pending::<()>().await;
            }
        }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let lane = self.lane.clone();
        let mut state = lane.lock();
        if let Some(i) = state.granted.iter().position(|&t| t == self.id) {
            state.granted.swap_remove(i);
            state.running -= 1;
            if let Some(started) = self.started {
                let record = (started - self.admitted, started.elapsed());
                if state.recent.len() == RECENT {
                    state.recent.pop_front();
                }
                state.recent.push_back(record);
            }
        } else if let Some(queue) = state.waiting.get_mut(&self.client) {
            queue.retain(|&t| t != self.id);
            if queue.is_empty() {
                state.waiting.remove(&self.client);
                state.rotation.retain(|&c| c != self.client);
            }
        }
        lane.grant(&mut state);
        drop(state);
        lane.bump();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn client(n: u8) -> Client {
        Client::Ip(IpAddr::V4(Ipv4Addr::new(10, 0, 0, n)))
    }

    fn running(lane: &Lane, tickets: &[&Ticket]) -> Vec<bool> {
        let state = lane.lock();
        tickets.iter().map(|t| t.is_granted(&state)).collect()
    }

    #[test]
    fn turns_go_round_the_clients() {
        let lane = Arc::new(Lane::new("neural", 1));
        let first = lane.enqueue(client(1));
        let a: Vec<Ticket> = (0..3).map(|_| lane.enqueue(client(1))).collect();
        let b = lane.enqueue(client(2));
        // The first runs; A's three wait, B's one comes after A's first.
        assert_eq!(first.position().position, 0);
        assert_eq!(a[0].position().position, 1);
        assert_eq!(b.position().position, 2);
        assert_eq!(a[1].position().position, 3);
        assert_eq!(a[2].position().position, 4);
        drop(first);
        assert_eq!(running(&lane, &[&a[0], &b]), [true, false]);
        let mut a = a.into_iter();
        drop(a.next());
        assert_eq!(running(&lane, &[&b]), [true]);
        let rest: Vec<Ticket> = a.collect();
        assert_eq!(rest[0].position().position, 1);
        assert_eq!(rest[1].position().position, 2);
    }

    #[test]
    fn places_are_bounded_overall_and_per_client() {
        let gate = Arc::new(Gate::new(4, 2));
        let a1 = gate.admit(client(1)).unwrap();
        let _a2 = gate.admit(client(1)).unwrap();
        assert_eq!(
            gate.admit(client(1)).err(),
            Some(Refusal::ClientShare { per_client: 2 })
        );
        let _b1 = gate.admit(client(2)).unwrap();
        let _c1 = gate.admit(client(3)).unwrap();
        assert_eq!(
            gate.admit(client(4)).err(),
            Some(Refusal::Full { capacity: 4 })
        );
        assert_eq!((gate.taken(), gate.held_by(client(1))), (4, 2));
        drop(a1);
        assert_eq!((gate.taken(), gate.held_by(client(1))), (3, 1));
        assert!(gate.admit(client(1)).is_ok());
        // A share larger than the places is cut to them.
        assert_eq!(Gate::new(3, 10).per_client(), 3);
    }

    #[test]
    fn workers_bound_what_runs() {
        let lane = Arc::new(Lane::new("neural", 2));
        let t: Vec<Ticket> = (1..=4).map(|n| lane.enqueue(client(n))).collect();
        assert_eq!(
            running(&lane, &t.iter().collect::<Vec<_>>()),
            [true, true, false, false]
        );
        assert_eq!((lane.running(), lane.queued()), (2, 2));
        assert_eq!(lane.seconds_for(1), None);
    }

    #[test]
    fn a_dropped_waiting_ticket_leaves_the_queue() {
        let lane = Arc::new(Lane::new("fast", 1));
        let run = lane.enqueue(client(1));
        let gone = lane.enqueue(client(2));
        let next = lane.enqueue(client(3));
        assert_eq!(next.position().position, 2);
        drop(gone);
        assert_eq!(next.position().position, 1);
        drop(run);
        assert_eq!(running(&lane, &[&next]), [true]);
        assert_eq!(lane.health().clients_waiting, 0);
    }

    #[tokio::test]
    async fn a_waiting_ticket_is_told_when_it_moves_and_when_it_runs() {
        let lane = Arc::new(Lane::new("neural", 1));
        let first = lane.enqueue(client(1));
        let second = lane.enqueue(client(2));
        let mut third = lane.enqueue(client(3));
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let waiter = tokio::spawn(async move {
            third
                .turn(|p| {
                    let _ = tx.send(p.position);
                })
                .await;
            third
        });
        tokio::task::yield_now().await;
        drop(first);
        assert_eq!(rx.recv().await, Some(1));
        drop(second);
        let third = waiter.await.unwrap();
        assert_eq!(third.position().position, 0);
        drop(third);
        let health = lane.health();
        assert_eq!(health.recent.analyses, 1);
        assert_eq!((health.running, health.queued), (0, 0));
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let mut v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&mut v, 0.5), Some(50.0));
        assert_eq!(percentile(&mut v, 0.99), Some(99.0));
        assert_eq!(percentile(&mut [], 0.5), None);
    }
}
