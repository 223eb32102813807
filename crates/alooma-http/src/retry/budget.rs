//! [`RetryBudget`]: the token bucket every retry pays from.

use crate::config::RetryBudgetPolicy;
use std::sync::{Arc, Mutex};

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
    tokens: Arc<Mutex<u32>>,
}

impl RetryBudget {
    /// A full bucket.
    pub fn new(policy: RetryBudgetPolicy) -> Self {
        RetryBudget {
            policy,
            tokens: Arc::new(Mutex::new(policy.capacity)),
        }
    }

    /// Tokens left.
    pub fn available(&self) -> u32 {
        *self.tokens.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn withdraw(&self, cost: u32) -> bool {
        let mut tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        if *tokens >= cost {
            *tokens -= cost;
            true
        } else {
            false
        }
    }

    pub(crate) fn deposit(&self, amount: u32) {
        let mut tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        *tokens = tokens.saturating_add(amount).min(self.policy.capacity);
    }
}
