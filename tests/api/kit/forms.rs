//! Reading careid's HTML as a browser does: the forms of a page with their
//! hidden fields, and attributes the pages' scripts read.

/// Decodes the entities minijinja writes in attribute values.
fn unescape(value: &str) -> String {
    value
        .replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The value of attribute `name` inside one tag, decoded.
fn attr(tag: &str, name: &str) -> Option<String> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    let end = tag[start..].find('"')? + start;
    Some(unescape(&tag[start..end]))
}

/// The hidden fields of the form posting to `action` on `page`, in page order.
pub fn hidden_fields(page: &str, action: &str) -> Vec<(String, String)> {
    let mut rest = page;
    let mut actions = Vec::new();
    while let Some(start) = rest.find("<form") {
        let form = &rest[start..];
        let end = form.find("</form>").unwrap_or(form.len());
        let (form, after) = form.split_at(end);
        let tag = &form[..form.find('>').unwrap_or(form.len())];
        let this = attr(tag, "action").unwrap_or_default();
        if this == action {
            return form
                .split("<input")
                .skip(1)
                .map(|input| &input[..input.find('>').unwrap_or(input.len())])
                .filter(|input| input.contains(r#"type="hidden""#))
                .filter_map(|input| Some((attr(input, "name")?, attr(input, "value").unwrap_or_default())))
                .collect();
        }
        actions.push(this);
        rest = after;
    }
    panic!("no form posting to {action} (only {actions:?}) in page: {page}")
}

/// The form to `action` on `page` as a browser submits it: its hidden fields,
/// then `fields` (which replace hidden fields of the same name).
pub fn fill(page: &str, action: &str, fields: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut form = hidden_fields(page, action);
    form.retain(|(name, _)| !fields.iter().any(|(n, _)| n == name));
    form.extend(fields.iter().map(|(n, v)| (n.to_string(), v.to_string())));
    form
}

/// The value of hidden input `name` (its first use) in an HTML page.
pub fn hidden(page: &str, name: &str) -> String {
    hidden_opt(page, name).unwrap_or_else(|| panic!("no hidden {name} in page: {page}"))
}

fn hidden_opt(page: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker)? + marker.len();
    let end = page[start..].find('"')? + start;
    Some(unescape(&page[start..end]))
}

/// What binds a page to its sign-in or session: its `tx` (if any) and `csrf`.
pub fn binding(page: &str) -> Vec<(String, String)> {
    ["tx", "csrf"].iter().filter_map(|name| Some((name.to_string(), hidden_opt(page, name)?))).collect()
}

/// Where the link (or button) with id `id` on `page` goes.
pub fn link(page: &str, id: &str) -> String {
    let at = page.find(&format!(" id=\"{id}\"")).unwrap_or_else(|| panic!("no #{id} in page: {page}"));
    let start = page[..at].rfind('<').unwrap();
    let end = at + page[at..].find('>').unwrap();
    attr(&page[start..end], "href").unwrap_or_else(|| panic!("#{id} links nowhere: {page}"))
}

/// The value of attribute `name` (its first use) in an HTML page.
pub fn attribute(page: &str, name: &str) -> String {
    attr(page, name).unwrap_or_else(|| panic!("no {name} in page: {page}"))
}
