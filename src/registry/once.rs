//! Running each distinct piece of registry work once, however many callers ask for it.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;

/// Runs `work` once per distinct item of `items`, all at once on the runtime (the registry limits
/// decide how many run), and answers in the order of `items`. A repeated item gets its first copy's
/// answer passed through `repeat` (which clears its request count, so requests are counted once);
/// a task that dies answers `aborted(why)`.
pub async fn once_each<I, R, F>(
    items: &[I],
    work: impl Fn(I) -> F,
    aborted: impl Fn(String) -> R,
    repeat: impl Fn(&mut R),
) -> Vec<R>
where
    I: Hash + Eq + Clone,
    R: Clone + Send + 'static,
    F: Future<Output = R> + Send + 'static,
{
    let mut first_of: HashMap<&I, usize> = HashMap::new();
    let mut tasks = Vec::new();
    let slots: Vec<usize> = items
        .iter()
        .map(|item| {
            *first_of.entry(item).or_insert_with(|| {
                tasks.push(tokio::spawn(work(item.clone())));
                tasks.len() - 1
            })
        })
        .collect();
    let mut answers = Vec::with_capacity(tasks.len());
    for task in tasks {
        answers.push(task.await.unwrap_or_else(|err| aborted(err.to_string())));
    }
    let mut seen = vec![false; answers.len()];
    slots
        .into_iter()
        .map(|slot| {
            let mut answer = answers[slot].clone();
            if std::mem::replace(&mut seen[slot], true) {
                repeat(&mut answer);
            }
            answer
        })
        .collect()
}
