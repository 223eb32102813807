//! [`RetryBudget`]: the token bucket every retry pays from.

use crate::config::RetryBudgetPolicy;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

/// A retry budget: a token bucket shared by every clone of the services
/// made from one [`RetryLayer`](super::RetryLayer); see [`RetryBudgetPolicy`].
///
/// ```
/// use alooma_http::{retry::RetryBudget, RetryBudgetPolicy};
/// let budget = RetryBudget::new(RetryBudgetPolicy::default());
/// assert_eq!(budget.available(), 500);
/// ```
#[derive(Debug, Clone)]
pub struct RetryBudget {
    policy: RetryBudgetPolicy,
    tokens: Arc<AtomicU32>,
}

impl RetryBudget {
    /// A full bucket.
    pub fn new(policy: RetryBudgetPolicy) -> Self {
        RetryBudget {
            policy,
            tokens: Arc::new(AtomicU32::new(policy.capacity)),
        }
    }

    /// Tokens left.
    pub fn available(&self) -> u32 {
        self.tokens.load(Ordering::Acquire)
    }

    /// Takes `cost` tokens if there are that many.
    pub(crate) fn withdraw(&self, cost: u32) -> bool {
        self.tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |tokens| {
                tokens.checked_sub(cost)
            })
            .is_ok()
    }

    /// Gives back `amount` tokens, up to the capacity. A full bucket (the
    /// healthy case, every successful call) costs one load.
    pub(crate) fn deposit(&self, amount: u32) {
        let capacity = self.policy.capacity;
        let _ = self
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |tokens| {
                (tokens < capacity).then(|| tokens.saturating_add(amount).min(capacity))
            });
    }
}
