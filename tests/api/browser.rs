//! A scripted browser for the hosted pages: follows careid's redirects, fills
//! the login and consent forms, and stops where careid hands back to a client.

use reqwest::StatusCode;

use crate::helpers::TestApp;

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

    pub fn page(self) -> (StatusCode, String, String) {
        match self {
            Visit::Page { status, url, body } => (status, url, body),
            Visit::Left(url) => panic!("expected a page, was sent to {url}"),
        }
    }

    /// The query (or fragment) parameters of the URL the visit left to.
    pub fn params(self) -> std::collections::HashMap<String, String> {
        let url = url::Url::parse(&self.left()).unwrap();
        let mut params: std::collections::HashMap<String, String> = url.query_pairs().into_owned().collect();
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
}

impl Browser {
    pub fn new(app: &TestApp) -> Browser {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .unwrap();
        Browser { http, base: app.base.clone() }
    }

    fn absolute(&self, location: &str) -> String {
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

    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Visit {
        let response = self.http.post(self.absolute(path)).form(fields).send().await.unwrap();
        self.follow(response).await
    }

    /// Submits the login form on `page` (a login page body).
    pub async fn login(&self, page: &str, email: &str, password: &str) -> Visit {
        let tx = hidden(page, "tx");
        let csrf = hidden(page, "csrf");
        self.post_form("/login", &[("tx", &tx), ("csrf", &csrf), ("email", email), ("password", password)])
            .await
    }

    /// Answers the consent page `page`.
    pub async fn consent(&self, page: &str, allow: bool) -> Visit {
        let tx = hidden(page, "tx");
        let csrf = hidden(page, "csrf");
        let decision = if allow { "allow" } else { "deny" };
        self.post_form("/consent", &[("tx", &tx), ("csrf", &csrf), ("decision", decision)]).await
    }

    /// Visits `authorize_url`, signs in on the login page, and returns where careid sent the browser.
    pub async fn sign_in(&self, authorize_url: &str, email: &str, password: &str) -> Visit {
        let (status, url, body) = self.visit(authorize_url).await.page();
        assert_eq!(status, 200, "login page at {url}");
        assert!(url.contains("/login?tx="), "{url}");
        self.login(&body, email, password).await
    }
}

/// The value of hidden input `name` in an HTML page.
pub fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start =
        page.find(&marker).unwrap_or_else(|| panic!("no hidden {name} in page: {page}")) + marker.len();
    let end = page[start..].find('"').unwrap() + start;
    page[start..end].to_string()
}
