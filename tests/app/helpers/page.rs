//! An answer read whole, and the little HTML reading the tests need (our own templates
//! only: double-quoted attributes, no nesting of an element in its own kind).

use reqwest::header::HeaderMap;

#[derive(Debug)]
pub struct Page {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
    /// The `Location` header of a redirect.
    pub location: Option<String>,
}

impl Page {
    pub(crate) async fn read(response: reqwest::Response) -> Page {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let location = headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response.text().await.expect("a readable body");
        Page {
            status,
            headers,
            body,
            location,
        }
    }

    /// Panics with the page's text when the status is not `status`.
    #[track_caller]
    pub fn expect(&self, status: u16) -> &Self {
        assert_eq!(
            self.status,
            status,
            "expected {status}, got {} (location {:?}); page text: {}",
            self.status,
            self.location,
            excerpt(&self.text())
        );
        self
    }

    /// Panics unless this is a redirect (303) to exactly `to`.
    #[track_caller]
    pub fn expect_redirect(&self, to: &str) -> &Self {
        assert_eq!(
            (self.status, self.location.as_deref()),
            (303, Some(to)),
            "expected a redirect to {to}; page text: {}",
            excerpt(&self.text())
        );
        self
    }

    /// The visible text: tags dropped, common entities decoded, whitespace collapsed.
    pub fn text(&self) -> String {
        html_text(&self.body)
    }

    /// Whether the visible text contains `needle`.
    pub fn says(&self, needle: &str) -> bool {
        self.text().contains(needle)
    }

    /// The value of the page's hidden `csrf_token` field.
    pub fn csrf_token(&self) -> Option<String> {
        self.input_value("csrf_token")
    }

    /// The `value` of the first `<input>` named `name` (or with id `name`).
    pub fn input_value(&self, name: &str) -> Option<String> {
        for tag in tags(&self.body) {
            if !tag.starts_with("<input") {
                continue;
            }
            if attr(tag, "name").as_deref() == Some(name)
                || attr(tag, "id").as_deref() == Some(name)
            {
                return attr(tag, "value").map(|v| decode_entities(&v));
            }
        }
        None
    }

    /// Whether an element has this `id`.
    pub fn has_id(&self, id: &str) -> bool {
        tags(&self.body).any(|t| attr(t, "id").as_deref() == Some(id))
    }

    /// The visible text of the element with this `id` (up to its closing tag; our
    /// templates do not nest an element in one of its own kind).
    pub fn text_of_id(&self, id: &str) -> Option<String> {
        let at = self.body.find(&format!(" id=\"{id}\""))?;
        let open = self.body[..at].rfind('<')?;
        let name: String = self.body[open + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let content = open + self.body[open..].find('>')? + 1;
        let end = self.body[content..]
            .find(&format!("</{name}>"))
            .map_or(self.body.len(), |e| content + e);
        Some(html_text(&self.body[content..end]))
    }

    /// Whether some element points at `id` with `aria-describedby`.
    pub fn is_described_by(&self, id: &str) -> bool {
        tags(&self.body).any(|t| {
            attr(t, "aria-describedby").is_some_and(|v| v.split_whitespace().any(|x| x == id))
        })
    }

    /// The `Set-Cookie` headers of this answer.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::to_owned)
            .collect()
    }

    /// The `orgsync_session` cookie this answer sets, whole (`name=value; attributes`).
    pub fn session_set_cookie(&self) -> Option<String> {
        self.set_cookie_named("orgsync_session")
    }

    /// The cookie `name` this answer sets, whole (`name=value; attributes`).
    pub fn set_cookie_named(&self, name: &str) -> Option<String> {
        let prefix = format!("{name}=");
        self.set_cookies()
            .into_iter()
            .find(|c| c.starts_with(&prefix))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

fn excerpt(text: &str) -> String {
    text.chars().take(1500).collect()
}

/// The tags of an HTML text (`<…>`), roughly: enough for our own templates.
pub fn tags(html: &str) -> impl Iterator<Item = &str> {
    html.match_indices('<').filter_map(move |(i, _)| {
        let end = html[i..].find('>')?;
        Some(&html[i..=i + end])
    })
}

/// The value of attribute `name` in a tag written by our templates (double quotes).
pub fn attr(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let end = tag[start..].find('"')?;
    Some(tag[start..start + end].to_owned())
}

/// Decodes the entities askama writes (`&#60;`, `&#x27;`, `&amp;`, …).
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = rest.find(';').filter(|end| *end <= 10).and_then(|end| {
            let entity = &rest[1..end];
            let c = match entity {
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => match entity
                    .strip_prefix("#x")
                    .or_else(|| entity.strip_prefix("#X"))
                {
                    Some(hex) => u32::from_str_radix(hex, 16).ok().and_then(char::from_u32),
                    None => entity
                        .strip_prefix('#')
                        .and_then(|d| d.parse().ok())
                        .and_then(char::from_u32),
                },
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

pub fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    decode_entities(&out)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
