//! Which AsciiDoc blocks are clickable actions: a block rendering `<code>` whose role is a name of the
//! action catalogue. The block is recorded and replaced by its placeholder; a misspelt role, or an
//! action role on a block that renders no `<code>`, is a warning.

use asciidork_ast::{
    AttrData, Block, BlockContent, BlockContext, ChunkMeta, Inline, InlineNode, InlineNodes,
};
use bumpalo::collections::String as BumpString;

use super::walker::{Walker, plain_text};
use super::{AdocAction, placeholder};
use crate::content::{Diagnostic, action};

/// Whether `name` is an action the Educates engine registers.
fn is_action_name(name: &str) -> bool {
    action::lookup(name).is_some()
}

/// Whether `name` looks like an action role but is not one (`terminal:exec`, `execute-4`, `Execute`).
fn looks_like_action(name: &str) -> bool {
    if is_action_name(name) {
        return false;
    }
    let lower = name.to_ascii_lowercase();
    is_action_name(&lower)
        || lower
            .split_once(':')
            .is_some_and(|(prefix, _)| action::PREFIXES.contains(&prefix))
        || lower
            .strip_prefix("execute-")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

impl<'arena> Walker<'_, 'arena> {
    /// If `block` is an action block, record it and replace it by its placeholder. Returns whether
    /// the block was consumed (an action, or an inert/unknown action role already reported).
    pub(super) fn try_action(&mut self, block: &mut Block<'arena>) -> bool {
        let attrs = &block.meta.attrs;
        let mut action = None;
        let mut lookalike = None;
        for role in attrs.roles() {
            if is_action_name(&role.src) {
                action = Some((role.src.to_string(), role.loc));
                break;
            }
            if lookalike.is_none() && looks_like_action(&role.src) {
                lookalike = Some((role.src.to_string(), role.loc));
            }
        }
        let codeish = matches!(
            block.context,
            BlockContext::Listing | BlockContext::Literal | BlockContext::Paragraph
        );
        let Some((kind, role_loc)) = action else {
            if let Some((name, loc)) = lookalike.filter(|_| codeish) {
                let line = self.line_of(loc);
                self.diagnostics.push(Diagnostic::warning(
                    self.file,
                    line,
                    format!("role `{name}` is not an educates action name; the block is a plain listing"),
                ));
            }
            return false;
        };
        let line = self.line_of(role_loc);
        let renders_code =
            block.context == BlockContext::Listing && (attrs.is_source() || self.source_language);
        if !renders_code {
            if codeish {
                self.diagnostics.push(Diagnostic::warning(
                    self.file,
                    line,
                    format!(
                        "role `{kind}` is on a block without the `source` style, so it is not clickable; write [source,role={kind}]"
                    ),
                ));
            }
            return false;
        }

        let mut body = String::new();
        if let BlockContent::Simple(nodes) = &block.content {
            plain_text(nodes, &mut body);
        }
        if body.ends_with('\n') {
            body.pop();
        }
        let index = self.actions.len();
        self.actions.push(AdocAction { kind, line, body });

        let start = block.meta.start_loc;
        let mut nodes = InlineNodes::new(self.bump);
        nodes.push(InlineNode::new(
            Inline::Text(BumpString::from_str_in(&placeholder(index), self.bump)),
            start,
        ));
        *block = Block {
            meta: ChunkMeta::empty(start, self.bump),
            content: BlockContent::Simple(nodes),
            context: BlockContext::Passthrough,
            loc: block.loc.clone(),
        };
        true
    }
}
