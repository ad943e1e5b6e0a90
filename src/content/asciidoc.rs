//! AsciiDoc pages (asciidork): attributes from session variables, roles turned into clickable actions.
