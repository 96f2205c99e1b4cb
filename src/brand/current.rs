//! The brand of the page being answered: set for each request, offered by
//! what a handler learns (the person's deployment, the client's), strongest
//! offer kept; careid's own outside a request.

use std::cell::RefCell;
use std::future::Future;

use serde::Serialize;

/// What people call the platform when no deployment says otherwise.
pub const DEFAULT_PRODUCT: &str = "careid";

/// The brand a page or email shows: plain values, ready for a template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Brand {
    /// What people call the platform: page titles, emails, the From name.
    pub product_name: String,
    /// Whether a deployment set `product_name` (else careid's default).
    pub named: bool,
    /// An https image shown at the top of every page (alt: the product name).
    pub logo_url: Option<String>,
    /// careid's stylesheet of the deployment's colours, when it has any.
    pub colours: Option<String>,
    pub support_email: Option<String>,
    pub support_url: Option<String>,
}

impl Default for Brand {
    fn default() -> Self {
        Brand {
            product_name: DEFAULT_PRODUCT.to_string(),
            named: false,
            logo_url: None,
            colours: None,
            support_email: None,
            support_url: None,
        }
    }
}

/// Whose deployment a brand comes from, weakest first (the order is the rule):
/// the client's (bound to exactly one deployment), then the person's (signed
/// in, signing in or invited).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Strength {
    Careid,
    Client,
    Person,
}

tokio::task_local! {
    static CURRENT: RefCell<(Strength, Brand)>;
}

/// Runs `fut` (the handling of one request) with careid's own brand until
/// something stronger is offered.
pub async fn scope<F: Future>(fut: F) -> F::Output {
    CURRENT.scope(RefCell::new((Strength::Careid, Brand::default())), fut).await
}

/// The current request's brand (careid's outside a request).
pub fn current() -> Brand {
    CURRENT.try_with(|c| c.borrow().1.clone()).unwrap_or_default()
}

/// The current request's product name.
pub fn product_name() -> String {
    CURRENT.try_with(|c| c.borrow().1.product_name.clone()).unwrap_or_else(|_| DEFAULT_PRODUCT.into())
}

/// Offers `brand` from `strength`; `true` when it is taken (stronger than,
/// or as strong as and newer than, what the request had).
pub fn offer(strength: Strength, brand: Brand) -> bool {
    CURRENT
        .try_with(|c| {
            let mut c = c.borrow_mut();
            if strength >= c.0 {
                *c = (strength, brand);
                true
            } else {
                false
            }
        })
        .unwrap_or(false)
}
