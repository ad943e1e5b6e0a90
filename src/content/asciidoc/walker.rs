//! Walks a parsed AsciiDoc document in render order (sections, lists, tables, compound blocks) so every
//! block is offered to the action-role check in `roles.rs`, and reads inline nodes back as the text a
//! browser would show.

use std::path::Path;

use asciidork_ast::{
    AttrData, Block, BlockContent, CellContent, CurlyKind, DocContent, IndexTermType, Inline, InlineNodes,
    ListItemTypeMeta, MacroNode, QuoteKind, Row, SpecialCharKind, SymbolKind,
};
use asciidork_parser::prelude::{Bump, ParseResult};
use bumpalo::collections::Vec as BumpVec;

use super::AdocAction;
use crate::content::Diagnostic;

/// Walks the document in render order, replacing action blocks by placeholder passthroughs.
pub(super) struct Walker<'a, 'arena> {
    pub(super) bump: &'arena Bump,
    pub(super) result: &'a ParseResult<'arena>,
    pub(super) file: &'a Path,
    /// A document-wide `:source-language:` makes every listing render `<code>`.
    pub(super) source_language: bool,
    pub(super) actions: Vec<AdocAction>,
    pub(super) diagnostics: &'a mut Vec<Diagnostic>,
}

impl<'arena> Walker<'_, 'arena> {
    pub(super) fn line_of(&self, loc: asciidork_ast::SourceLocation) -> u32 {
        self.result.line_number_with_offset(loc).0
    }

    pub(super) fn doc_content(&mut self, content: &mut DocContent<'arena>) {
        match content {
            DocContent::Blocks(blocks) => self.blocks(blocks),
            DocContent::Sections(sectioned) => {
                if let Some(preamble) = sectioned.preamble.as_mut() {
                    self.blocks(preamble);
                }
                for section in sectioned.sections.iter_mut() {
                    self.blocks(&mut section.blocks);
                }
            }
            DocContent::Parts(book) => {
                if let Some(preamble) = book.preamble.as_mut() {
                    self.blocks(preamble);
                }
                for section in book.opening_special_sects.iter_mut() {
                    self.blocks(&mut section.blocks);
                }
                for part in book.parts.iter_mut() {
                    if let Some(intro) = part.intro.as_mut() {
                        self.blocks(intro);
                    }
                    for section in part.sections.iter_mut() {
                        self.blocks(&mut section.blocks);
                    }
                }
                for section in book.closing_special_sects.iter_mut() {
                    self.blocks(&mut section.blocks);
                }
            }
        }
    }

    fn blocks(&mut self, blocks: &mut BumpVec<'arena, Block<'arena>>) {
        for block in blocks.iter_mut() {
            self.block(block);
        }
    }

    fn row(&mut self, row: &mut Row<'arena>) {
        for cell in row.cells.iter_mut() {
            if let CellContent::AsciiDoc(doc) = &mut cell.content {
                self.doc_content(&mut doc.content);
            }
        }
    }

    fn block(&mut self, block: &mut Block<'arena>) {
        if self.try_action(block) {
            return;
        }
        match &mut block.content {
            BlockContent::Compound(children) => self.blocks(children),
            BlockContent::Section(section) => self.blocks(&mut section.blocks),
            BlockContent::List { items, .. } => {
                for item in items.iter_mut() {
                    if let ListItemTypeMeta::DescList {
                        description: Some(description),
                        ..
                    } = &mut item.type_meta
                    {
                        self.block(description);
                    }
                    self.blocks(&mut item.blocks);
                }
            }
            BlockContent::Table(table) => {
                if let Some(row) = table.header_row.as_mut() {
                    self.row(row);
                }
                for row in table.rows.iter_mut() {
                    self.row(row);
                }
                if let Some(row) = table.footer_row.as_mut() {
                    self.row(row);
                }
            }
            BlockContent::Simple(_)
            | BlockContent::Empty(_)
            | BlockContent::DocumentAttribute(..)
            | BlockContent::QuotedParagraph { .. } => {}
        }
    }
}

/// Append the text a browser would show for `nodes` (no markup, entities decoded).
pub(super) fn plain_text(nodes: &InlineNodes<'_>, out: &mut String) {
    for node in nodes.iter() {
        match &node.content {
            Inline::Text(text) => out.push_str(text),
            Inline::SpecialChar(kind) => out.push(match kind {
                SpecialCharKind::Ampersand => '&',
                SpecialCharKind::LessThan => '<',
                SpecialCharKind::GreaterThan => '>',
            }),
            Inline::Newline | Inline::LineBreak => out.push('\n'),
            Inline::MultiCharWhitespace(ws) => out.push_str(ws),
            Inline::CurlyQuote(kind) => out.push(match kind {
                CurlyKind::LeftDouble => '\u{201c}',
                CurlyKind::RightDouble => '\u{201d}',
                CurlyKind::LeftSingle => '\u{2018}',
                CurlyKind::RightSingle | CurlyKind::LegacyImplicitApostrophe => '\u{2019}',
            }),
            Inline::Symbol(kind) => out.push_str(match kind {
                SymbolKind::Copyright => "\u{a9}",
                SymbolKind::Registered => "\u{ae}",
                SymbolKind::Trademark => "\u{2122}",
                SymbolKind::EmDash | SymbolKind::TripleDash => "\u{2014}",
                SymbolKind::Ellipsis => "\u{2026}",
                SymbolKind::SingleRightArrow => "\u{2192}",
                SymbolKind::DoubleRightArrow => "\u{21d2}",
                SymbolKind::SingleLeftArrow => "\u{2190}",
                SymbolKind::DoubleLeftArrow => "\u{21d0}",
            }),
            Inline::SpacedDashes(..) => out.push_str(" \u{2014} "),
            Inline::Quote(kind, children) => {
                let (open, close) = match kind {
                    QuoteKind::Double => ('\u{201c}', '\u{201d}'),
                    QuoteKind::Single => ('\u{2018}', '\u{2019}'),
                };
                out.push(open);
                plain_text(children, out);
                out.push(close);
            }
            Inline::Span(_, _, children) | Inline::InlinePassthru(children) => plain_text(children, out),
            Inline::IndexTerm(term) => {
                if let IndexTermType::Visible { term } = &term.term_type {
                    plain_text(term, out);
                }
            }
            Inline::Macro(mac) => match mac {
                MacroNode::Link { target, attrs, .. } => {
                    match attrs.as_ref().and_then(|a| a.positional_at(0)) {
                        Some(text) if !text.is_empty() => plain_text(text, out),
                        _ => out.push_str(&target.src),
                    }
                }
                MacroNode::Mailto {
                    address, linktext, ..
                } => match linktext {
                    Some(text) => plain_text(text, out),
                    None => out.push_str(&address.src),
                },
                MacroNode::Xref { target, linktext, .. } => match linktext {
                    Some(text) => plain_text(text, out),
                    None => out.push_str(&target.src),
                },
                MacroNode::Button(text) => out.push_str(&text.src),
                MacroNode::Keyboard { keys, .. } => {
                    let keys: Vec<&str> = keys.iter().map(|k| k.as_str()).collect();
                    out.push_str(&keys.join("+"));
                }
                MacroNode::Menu(items) => {
                    let items: Vec<&str> = items.iter().map(|i| i.src.as_str()).collect();
                    out.push_str(&items.join(" > "));
                }
                MacroNode::Footnote { .. }
                | MacroNode::InlineImage { .. }
                | MacroNode::Icon { .. }
                | MacroNode::Plugin(_) => {}
            },
            Inline::CalloutNum(_)
            | Inline::CalloutTuck(_)
            | Inline::InlineAnchor(_)
            | Inline::BiblioAnchor(_)
            | Inline::LineComment(_)
            | Inline::Discarded => {}
        }
    }
}
