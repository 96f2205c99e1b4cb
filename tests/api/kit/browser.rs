//! A scripted browser for the hosted pages: its own cookie jar, follows
//! careid's redirects, submits a page's forms with their hidden fields, and
//! stops where careid hands back to a client.

use std::collections::HashMap;
use std::path::PathBuf;

use reqwest::StatusCode;
use serde_json::Value;

use crate::kit::app::TestApp;
use crate::kit::forms;

/// The parameters of an authorization (or logout) response.
pub type Params = HashMap<String, String>;

/// Where a visit ended.
#[derive(Debug)]
pub enum Visit {
    /// careid redirected out to this absolute URL (a client's redirect URI).
    Left(String),
    /// careid showed a page.
    Page { status: StatusCode, url: String, body: String },
}

impl Visit {
    pub fn left(self) -> String {
        match self {
            Visit::Left(url) => url,
            Visit::Page { status, url, body } => {
                panic!("expected a redirect out, got {status} at {url}: {body}")
            }
        }
    }

    /// The page shown: status, URL and body.
    pub fn page(self) -> (StatusCode, String, String) {
        match self {
            Visit::Page { status, url, body } => (status, url, body),
            Visit::Left(url) => panic!("expected a page, was sent to {url}"),
        }
    }

    /// The query (or fragment) parameters of the URL the visit left to.
    pub fn params(self) -> Params {
        let url = url::Url::parse(&self.left()).unwrap();
        let mut params: Params = url.query_pairs().into_owned().collect();
        if let Some(fragment) = url.fragment() {
            params.extend(url::form_urlencoded::parse(fragment.as_bytes()).into_owned());
        }
        params
    }
}

/// One browser: its own cookie jar.
pub struct Browser {
    pub http: reqwest::Client,
    base: String,
    /// The app's data folder, where the SMS outbox is (see `kit::sms`).
    pub(crate) data_dir: PathBuf,
}

impl Browser {
    pub fn new(app: &TestApp) -> Browser {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .unwrap();
        Browser { http, base: app.base.clone(), data_dir: app.state.config.data_dir.clone() }
    }

    pub fn absolute(&self, location: &str) -> String {
        if location.starts_with('/') { format!("{}{location}", self.base) } else { location.to_string() }
    }

    /// GETs `url` and follows redirects while they stay on careid.
    pub async fn visit(&self, url: &str) -> Visit {
        self.follow(self.http.get(self.absolute(url)).send().await.unwrap()).await
    }

    pub async fn follow(&self, mut response: reqwest::Response) -> Visit {
        for _ in 0..10 {
            let url = response.url().to_string();
            if !response.status().is_redirection() {
                let status = response.status();
                return Visit::Page { status, url, body: response.text().await.unwrap() };
            }
            let location = response.headers()["location"].to_str().unwrap().to_string();
            let next = self.absolute(&location);
            if !next.starts_with(&self.base) {
                return Visit::Left(next);
            }
            response = self.http.get(next).send().await.unwrap();
        }
        panic!("redirect loop");
    }

    /// POSTs exactly `fields` to `path` and follows the answer.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Visit {
        let response = self.http.post(self.absolute(path)).form(fields).send().await.unwrap();
        self.follow(response).await
    }

    /// Submits the form of `page` that posts to `action`: its hidden fields
    /// (tx, csrf …) with `fields` filled in; follows the answer.
    pub async fn submit(&self, page: &str, action: &str, fields: &[(&str, &str)]) -> Visit {
        let response = self.send(page, action, fields).await;
        self.follow(response).await
    }

    /// As `submit`, but returns careid's answer as it is, not followed.
    pub async fn send(&self, page: &str, action: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let form = forms::fill(page, action, fields);
        self.http.post(self.absolute(action)).form(&form).send().await.unwrap()
    }

    /// Follows the link with id `id` on `page`.
    pub async fn click(&self, page: &str, id: &str) -> Visit {
        self.visit(&forms::link(page, id)).await
    }

    /// POSTs `fields` to `path`, a form `page` does not show, with the page's
    /// own tx and csrf (its sign-in or session) unless `fields` name them; follows the answer.
    pub async fn post_from(&self, page: &str, path: &str, fields: &[(&str, &str)]) -> Visit {
        let response = self.send_from(page, path, fields).await;
        self.follow(response).await
    }

    /// As `post_from`, but returns careid's answer as it is, not followed.
    pub async fn send_from(&self, page: &str, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut form = forms::binding(page);
        form.retain(|(name, _)| !fields.iter().any(|(n, _)| n == name));
        form.extend(fields.iter().map(|(n, v)| (n.to_string(), v.to_string())));
        self.http.post(self.absolute(path)).form(&form).send().await.unwrap()
    }

    /// POSTs `body` as JSON to `path`; the status and the JSON answer.
    pub async fn post_json(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        let response = self.http.post(self.absolute(path)).json(body).send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        let json = serde_json::from_str(&text)
            .unwrap_or_else(|_| panic!("{path} answered {status} with non-JSON {text}"));
        (status, json)
    }

    /// Submits the login form on `page` (a login page body).
    pub async fn login(&self, page: &str, email: &str, password: &str) -> Visit {
        self.submit(page, "/login", &[("email", email), ("password", password)]).await
    }

    /// Answers the consent page `page`.
    pub async fn consent(&self, page: &str, allow: bool) -> Visit {
        let decision = if allow { "allow" } else { "deny" };
        self.submit(page, "/consent", &[("decision", decision)]).await
    }

    /// Visits `url` (an authorization request, or a careid page that needs a
    /// sign-in), expects the login page and signs in; where careid sent the browser.
    pub async fn sign_in(&self, url: &str, email: &str, password: &str) -> Visit {
        let (status, url, body) = self.visit(url).await.page();
        assert_eq!(status, 200, "login page at {url}");
        assert!(url.contains("/login?tx="), "{url}");
        self.login(&body, email, password).await
    }

    /// Visits `url` and signs `email` in only if careid asks (the browser may
    /// already have a session); where careid sent the browser.
    pub async fn sign_in_if_asked(&self, url: &str, email: &str, password: &str) -> Visit {
        match self.visit(url).await {
            Visit::Page { body, url, .. } if url.contains("/login?tx=") => {
                self.login(&body, email, password).await
            }
            visit => visit,
        }
    }
}
