//! Unit tests of action body parsing: every catalogue entry with a typical body (title, display body,
//! args), bad YAML, non-mapping bodies, missing fields, `.INF`, and the markup contract.

use serde_json::json;

use super::*;

fn ok(name: &str, body: &str) -> Action {
    let spec = lookup(name).unwrap_or_else(|| panic!("{name} is in the catalogue"));
    let (parsed, _) = parse(spec, body, 10);
    parsed.unwrap_or_else(|e| panic!("{name}: {e:?}"))
}

#[test]
fn catalogue_has_the_69_names_once() {
    assert_eq!(CATALOGUE.len(), 69);
    let mut names: Vec<_> = CATALOGUE.iter().map(|s| s.name).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 69);
    assert_eq!(
        CATALOGUE.iter().filter(|s| s.family == Family::Editor).count(),
        38
    );
}

/// (type, body, expected title, expected display body)
const CASES: &[(&str, &str, &str, &str)] = &[
    (
        "execute",
        "ls -l\n",
        "Terminal: Execute command in terminal \"1\"",
        "ls -l",
    ),
    (
        "execute-1",
        "<ctrl-c>\n",
        "Terminal: Execute command in terminal \"1\"",
        "<ctrl-c>",
    ),
    (
        "execute-2",
        "top\n",
        "Terminal: Execute command in terminal \"2\"",
        "top",
    ),
    (
        "execute-3",
        "w\n",
        "Terminal: Execute command in terminal \"3\"",
        "w",
    ),
    (
        "execute-all",
        "clear\n",
        "Terminal: Execute command in all terminals",
        "clear",
    ),
    ("copy", "text\n", "Workshop: Copy text to paste buffer", "text"),
    (
        "copy-and-edit",
        "t\n",
        "Workshop: Copy text to paste buffer, change values before use",
        "t",
    ),
    (
        "terminal:execute",
        "command: ls\nsession: 2\n",
        "Terminal: Execute command in terminal \"2\"",
        "ls",
    ),
    (
        "terminal:execute-all",
        "command: ls\n",
        "Terminal: Execute command in all terminals",
        "ls",
    ),
    (
        "terminal:clear",
        "session: 3",
        "Terminal: Clear terminal \"3\"",
        "",
    ),
    ("terminal:clear-all", "", "Terminal: Clear all terminals", ""),
    (
        "terminal:interrupt",
        "",
        "Terminal: Interrupt command in terminal \"1\"",
        "<ctrl+c>",
    ),
    (
        "terminal:interrupt-all",
        "",
        "Terminal: Interrupt commands in all terminals",
        "<ctrl+c>",
    ),
    (
        "terminal:input",
        "text: yes\nendl: false",
        "Terminal: Input text into terminal \"1\"",
        "yes",
    ),
    (
        "terminal:select",
        "session: 2",
        "Terminal: Select terminal \"2\"",
        "",
    ),
    (
        "workshop:copy",
        "text: abc",
        "Workshop: Copy text to paste buffer",
        "abc",
    ),
    (
        "workshop:copy-and-edit",
        "text: abc",
        "Workshop: Copy text to paste buffer, change values before use",
        "abc",
    ),
    (
        "dashboard:open-dashboard",
        "name: Terminal",
        "Dashboard: Open dashboard \"Terminal\"",
        "",
    ),
    (
        "dashboard:expose-dashboard",
        "name: Editor",
        "Dashboard: Expose dashboard \"Editor\"",
        "",
    ),
    (
        "dashboard:create-dashboard",
        "name: X\nurl: https://x.test",
        "Dashboard: Create dashboard \"X\"",
        "https://x.test",
    ),
    (
        "dashboard:delete-dashboard",
        "name: X",
        "Dashboard: Delete dashboard \"X\"",
        "",
    ),
    (
        "dashboard:reload-dashboard",
        "name: X",
        "Dashboard: Reload dashboard \"X\"",
        "",
    ),
    (
        "dashboard:open-url",
        "url: https://x.test",
        "Dashboard: Open URL in browser",
        "https://x.test",
    ),
    (
        "editor:open-file",
        "file: a.txt\nline: 3",
        "Editor: Open file \"a.txt\" at line 3",
        "",
    ),
    (
        "editor:create-file",
        "file: a.txt\ntext: |\n  hi\n",
        "Editor: Create file \"a.txt\"",
        "hi\n",
    ),
    (
        "editor:create-directory",
        "directory: d",
        "Editor: Create directory \"d\"",
        "d",
    ),
    (
        "editor:select-matching-text",
        "file: f\ntext: x\nisRegex: true\ngroup: 1",
        "Editor: Match pattern group 1 in file \"f\"",
        "x",
    ),
    (
        "editor:replace-text-selection",
        "file: f\ntext: y",
        "Editor: Replace text selection in file \"f\"",
        "y",
    ),
    (
        "editor:delete-text-selection",
        "file: f",
        "Editor: Delete text selection in file \"f\"",
        "",
    ),
    (
        "editor:insert-lines-before-selection",
        "file: f\ntext: y",
        "Editor: Insert lines before selection in file \"f\"",
        "y",
    ),
    (
        "editor:append-lines-after-selection",
        "file: f\ntext: y",
        "Editor: Append lines after selection in file \"f\"",
        "y",
    ),
    (
        "editor:replace-matching-text",
        "file: f\nmatch: a\nreplacement: b",
        "Editor: Replace matching text in file \"f\"",
        "a → b",
    ),
    (
        "editor:append-lines-to-file",
        "file: f\ntext: y",
        "Editor: Append lines to file \"f\"",
        "y",
    ),
    (
        "editor:prepend-lines-to-file",
        "file: f\ntext: y",
        "Editor: Prepend lines to file \"f\"",
        "y",
    ),
    (
        "editor:insert-lines-before-line",
        "file: f\nline: 2\ntext: y",
        "Editor: Insert lines before line 2 in file \"f\"",
        "y",
    ),
    (
        "editor:append-lines-after-line",
        "file: f\nline: 2\ntext: y",
        "Editor: Append lines after line 2 in file \"f\"",
        "y",
    ),
    (
        "editor:insert-lines-after-line",
        "file: f\nline: 2\ntext: y",
        "Editor: Insert lines after line 2 in file \"f\"",
        "y",
    ),
    (
        "editor:append-lines-after-match",
        "file: f\nmatch: m\ntext: y",
        "Editor: Append lines after \"m\" in file \"f\"",
        "y",
    ),
    (
        "editor:insert-lines-before-match",
        "file: f\nmatch: m\ntext: y",
        "Editor: Insert lines before \"m\" in file \"f\"",
        "y",
    ),
    (
        "editor:select-lines-in-range",
        "file: f\nstart: 2\nstop: 4",
        "Editor: Select lines 2-4 in file \"f\"",
        "Select lines 2 to 4",
    ),
    (
        "editor:delete-lines-in-range",
        "file: f\nstart: 2",
        "Editor: Delete lines 2-2 in file \"f\"",
        "Delete line 2",
    ),
    (
        "editor:delete-matching-lines",
        "file: f\nmatch: m",
        "Editor: Delete lines matching \"m\" in file \"f\"",
        "m",
    ),
    (
        "editor:replace-lines-in-range",
        "file: f\nstart: 1\nstop: 2\ntext: y",
        "Editor: Replace lines 1-2 in file \"f\"",
        "y",
    ),
    (
        "editor:copy-file",
        "src: a\ndest: b",
        "Editor: Copy file \"a\" to \"b\"",
        "a → b",
    ),
    (
        "editor:rename-file",
        "src: a\ndest: b",
        "Editor: Rename file \"a\" to \"b\"",
        "a → b",
    ),
    ("editor:close-file", "file: f", "Editor: Close file \"f\"", "f"),
    ("editor:delete-file", "file: f", "Editor: Delete file \"f\"", "f"),
    (
        "editor:insert-value-into-yaml",
        "file: f\npath: a.b\nvalue: 1",
        "Editor: Insert value into YAML file \"f\" at \"a.b\"",
        "1",
    ),
    (
        "editor:set-yaml-value",
        "file: f\npath: a\nvalue: v",
        "Editor: Set YAML value at \"a\" in \"f\"",
        "v",
    ),
    (
        "editor:add-yaml-item",
        "file: f\npath: a\nvalue: v",
        "Editor: Add item to \"a\" in \"f\"",
        "v",
    ),
    (
        "editor:insert-yaml-item",
        "file: f\npath: a\nindex: 2\nvalue: v",
        "Editor: Insert item at index 2 in \"a\" in \"f\"",
        "v",
    ),
    (
        "editor:replace-yaml-item",
        "file: f\npath: a[0]\nvalue: v",
        "Editor: Replace item at \"a[0]\" in \"f\"",
        "v",
    ),
    (
        "editor:delete-yaml-value",
        "file: f\npath: a",
        "Editor: Delete \"a\" from \"f\"",
        "a",
    ),
    (
        "editor:merge-yaml-values",
        "file: f\npath: a\nvalue:\n  k: v",
        "Editor: Merge values into \"a\" in \"f\"",
        "k: v",
    ),
    (
        "editor:select-yaml-path",
        "file: f\npath: a",
        "Editor: Select YAML path \"a\" in \"f\"",
        "a",
    ),
    (
        "editor:execute-command",
        "command: workbench.action.x",
        "Editor: Execute command \"workbench.action.x\"",
        "",
    ),
    (
        "editor:open-terminal",
        "",
        "Editor: Open terminal \"educates\"",
        "",
    ),
    (
        "editor:close-terminal",
        "session: t",
        "Editor: Close terminal \"t\"",
        "",
    ),
    (
        "editor:send-to-terminal",
        "text: ls",
        "Editor: Send text with newline to terminal \"educates\"",
        "ls",
    ),
    (
        "editor:interrupt-terminal",
        "",
        "Editor: Interrupt terminal \"educates\"",
        "<ctrl+c>",
    ),
    (
        "editor:clear-terminal",
        "",
        "Editor: Clear terminal \"educates\"",
        "",
    ),
    (
        "examiner:execute-test",
        "name: t1\nargs: [a]",
        "Examiner: Execute test case \"t1\"",
        "",
    ),
    (
        "files:download-file",
        "path: a/b.txt",
        "Files: Download file \"a/b.txt\"",
        "",
    ),
    (
        "files:copy-file",
        "path: a.txt\ndownload: x.txt",
        "Files: Copy file \"x.txt\" to paste buffer",
        "",
    ),
    (
        "files:upload-file",
        "path: up.txt",
        "Files: Upload file as \"up.txt\"",
        "",
    ),
    (
        "files:upload-files",
        "directory: d",
        "Files: Upload files to \"d\"",
        "",
    ),
    ("section:heading", "title: Intro", "Section: Intro", ""),
    ("section:begin", "", "Section: Instructions", ""),
    ("section:end", "", "Section: End", ""),
];

#[test]
fn every_action_type_parses_a_typical_body() {
    assert_eq!(CASES.len(), 69, "one case per catalogue entry");
    for (name, body, title, display) in CASES {
        let action = ok(name, body);
        assert_eq!(action.title, *title, "{name}");
        assert_eq!(action.body, *display, "{name}");
        assert_eq!(action.line, 10);
        assert!(action.args.is_object(), "{name}");
    }
}

#[test]
fn legacy_bodies_are_raw_text() {
    let action = ok("execute", "echo {{x}}: [not yaml\n");
    assert_eq!(action.args, json!({"text": "echo {{x}}: [not yaml"}));
}

#[test]
fn yaml_overrides_and_flags() {
    let action = ok(
        "terminal:execute",
        "command: ls\nprefix: Run\ntitle: List\ndescription: shows files\nautostart: true\ncascade: true\nhidden: true",
    );
    assert_eq!(action.title, "Run: List");
    assert_eq!(action.body, "shows files");
    assert!(action.autostart && action.cascade && action.hidden);
    assert!(ok("section:end", "").hidden, "section:end is always hidden");
}

#[test]
fn infinity_becomes_a_string_and_null_description_is_ignored() {
    let action = ok(
        "examiner:execute-test",
        "name: t\nretries: .INF\ncooldown: -.inf\ndescription:",
    );
    assert_eq!(action.args["retries"], json!("Infinity"));
    assert_eq!(action.args["cooldown"], json!("-Infinity"));
    assert_eq!(action.body, "");
}

#[test]
fn bad_yaml_is_an_error_with_a_body_line() {
    let spec = lookup("terminal:execute").expect("spec");
    let (parsed, _) = parse(spec, "command: ls\nsession: [1\n", 5);
    let error = parsed.expect_err("bad yaml");
    assert!(error.message.starts_with("invalid YAML"), "{}", error.message);
    assert!(error.body_line >= 1);
}

#[test]
fn non_mapping_body_is_an_error() {
    let spec = lookup("terminal:execute").expect("spec");
    let (parsed, _) = parse(spec, "ls -l", 1);
    let error = parsed.expect_err("scalar");
    assert!(
        error.message.contains("must be a YAML mapping"),
        "{}",
        error.message
    );
    let (parsed, _) = parse(spec, "- a\n- b", 1);
    assert!(parsed.is_err());
}

#[test]
fn missing_required_field_is_a_warning() {
    let spec = lookup("editor:select-matching-text").expect("spec");
    let (parsed, warnings) = parse(spec, "file: f", 1);
    assert!(parsed.is_ok());
    assert_eq!(
        warnings,
        vec![(
            0,
            "`editor:select-matching-text` needs a `text` field".to_string()
        )]
    );
}

#[test]
fn unknown_field_is_a_warning_at_its_line() {
    let spec = lookup("terminal:execute").expect("spec");
    let (parsed, warnings) = parse(spec, "command: ls\nsesion: 2\n", 1);
    assert!(parsed.is_ok());
    assert_eq!(
        warnings,
        vec![(
            2,
            "`terminal:execute`: unknown field `sesion`: did you mean `session`?".to_string()
        )]
    );
}

#[test]
fn classify_names() {
    assert!(matches!(classify("terminal:execute"), Classified::Action(_)));
    assert_eq!(classify("terminal:exec"), Classified::UnknownAction);
    assert_eq!(classify("mycorp:deploy"), Classified::ForeignAction);
    assert_eq!(classify("execute-4"), Classified::Code);
    assert_eq!(classify("Execute"), Classified::Code);
    assert_eq!(classify("java"), Classified::Code);
}

#[test]
fn markup_follows_the_contract() {
    let action = ok("terminal:execute", "command: echo '<hi>' \"q\"\nautostart: true");
    let html = action.markup(3);
    assert!(html.starts_with("<div class=\"lectern-action\" data-action-type=\"terminal:execute\" data-action-index=\"3\" data-action-line=\"10\" data-action-args=\""));
    // The block's fields in the author's order (serde_json keeps insertion order).
    assert!(html.contains("data-action-args=\"{&quot;command&quot;:&quot;echo &#39;&lt;hi&gt;&#39; \\&quot;q\\&quot;&quot;,&quot;autostart&quot;:true}\""), "{html}");
    assert!(html.contains(" data-action-autostart "));
    assert!(!html.contains("data-action-hidden"));
    assert!(html.contains("tabindex=\"0\" role=\"button\"><div class=\"lectern-action-title\"><span class=\"lectern-action-glyph\" aria-hidden=\"true\"></span>Terminal: Execute command in terminal &quot;1&quot;</div>"));
    assert!(html.ends_with("<pre class=\"lectern-action-body\"><code>echo &#39;&lt;hi&gt;&#39; &quot;q&quot;</code></pre></div>\n"));
    let error = error_markup("terminal:exec", 4, "unknown action type", "x");
    assert!(error.starts_with("<div class=\"lectern-action-error\" role=\"alert\" data-action-type=\"terminal:exec\" data-action-line=\"4\">"));
}
