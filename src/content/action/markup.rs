//! The HTML of an action block (the contract in docs/content.md, driven by the dashboard's
//! `frontend/src/actions/blocks.ts`) and of the visible error box for a broken or unknown one.

use super::Action;
use crate::content::html::escape;

impl Action {
    /// The action's HTML markup: `index` is its 0-based position on the page.
    pub fn markup(&self, index: usize) -> String {
        let mut html = String::with_capacity(256 + self.body.len());
        html.push_str("<div class=\"lectern-action\"");
        self.push_attributes(&mut html, index);
        html.push_str(" tabindex=\"0\" role=\"button\">");
        html.push_str("<div class=\"lectern-action-title\"><span class=\"lectern-action-glyph\" aria-hidden=\"true\"></span>");
        html.push_str(&escape(&self.title));
        html.push_str("</div><pre class=\"lectern-action-body\"><code>");
        html.push_str(&escape(&self.body));
        html.push_str("</code></pre></div>\n");
        html
    }

    /// The markup of an action inside a line of text: a clickable `<code>` showing `shown`, titled
    /// with the action's title (same data attributes as [`Action::markup`]).
    pub fn inline_markup(&self, index: usize, shown: &str) -> String {
        let mut html = String::with_capacity(200 + shown.len());
        html.push_str("<code class=\"lectern-action lectern-action-inline\"");
        self.push_attributes(&mut html, index);
        html.push_str(&format!(
            " title=\"{}\" tabindex=\"0\" role=\"button\">{}</code>",
            escape(&self.title),
            escape(shown)
        ));
        html
    }

    fn push_attributes(&self, html: &mut String, index: usize) {
        let args = serde_json::to_string(&self.args).unwrap_or_else(|_| "{}".into());
        html.push_str(&format!(
            " data-action-type=\"{}\" data-action-index=\"{index}\" \
             data-action-line=\"{}\" data-action-args=\"{}\" data-action-glyph=\"{}\"",
            self.spec.name,
            self.line,
            escape(&args),
            self.spec.glyph,
        ));
        if self.autostart {
            html.push_str(" data-action-autostart");
        }
        if self.hidden {
            html.push_str(" data-action-hidden");
        }
        if self.cascade {
            html.push_str(" data-action-cascade");
        }
    }
}

/// The visible error box for a broken or unknown action.
pub fn error_markup(action_type: &str, line: u32, message: &str, body: &str) -> String {
    format!(
        "<div class=\"lectern-action-error\" role=\"alert\" data-action-type=\"{}\" data-action-line=\"{line}\">\
         <p>{}</p><pre><code>{}</code></pre></div>\n",
        escape(action_type),
        escape(message),
        escape(body)
    )
}
