//! `lectern test`'s terminal steps: which terminal an action types into, a command run and judged by its
//! exit status (or left running when a later step of its page interrupts it), Ctrl-C, typed input.

use std::time::Duration;

use serde_json::Value;

use super::shell::Ended;
use super::{BACKGROUND_WAIT, Walker, failed, skipped, text_arg};
use crate::content::Action;
use crate::walk::report::Outcome;

/// The terminals a step types into.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Terminals {
    /// The terminal of this name.
    One(String),
    /// Every terminal (`session: "*"`, the `-all` actions).
    All,
}

impl Terminals {
    fn overlaps(&self, other: &Self) -> bool {
        *self == Self::All || *other == Self::All || self == other
    }
}

/// The terminal an action names (`session`, default `1`; `"*"` is all of them).
fn session_of(args: &Value) -> Terminals {
    match args.get("session") {
        Some(Value::String(name)) if name.trim() == "*" => Terminals::All,
        Some(Value::String(name)) if !name.trim().is_empty() => Terminals::One(name.trim().to_string()),
        Some(Value::Number(number)) => Terminals::One(number.to_string()),
        _ => Terminals::One("1".to_string()),
    }
}

/// What a step does in a terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Typed {
    /// Runs a command (legacy `execute-N` name their terminal).
    Command,
    /// Types input.
    Input,
    /// Sends Ctrl-C.
    Interrupt,
}

/// The terminals a step types into and what it types; `None` for steps that type nothing.
fn typed_into(action: &Action) -> Option<(Terminals, Typed)> {
    let one = |name: &str| Terminals::One(name.to_string());
    Some(match action.spec.name {
        "execute" | "execute-1" => (one("1"), Typed::Command),
        "execute-2" => (one("2"), Typed::Command),
        "execute-3" => (one("3"), Typed::Command),
        "terminal:execute" => (session_of(&action.args), Typed::Command),
        "execute-all" | "terminal:execute-all" => (Terminals::All, Typed::Command),
        "terminal:input" => (session_of(&action.args), Typed::Input),
        "terminal:interrupt" => (session_of(&action.args), Typed::Interrupt),
        "terminal:interrupt-all" => (Terminals::All, Typed::Interrupt),
        _ => return None,
    })
}

/// The special command `<ctrl-c>` / `<ctrl+c>` (any case): an interrupt, not text (as the dashboard reads it).
fn is_ctrl_c(command: &str) -> bool {
    let command = command.trim();
    command.eq_ignore_ascii_case("<ctrl-c>") || command.eq_ignore_ascii_case("<ctrl+c>")
}

/// Whether a block's command is the Ctrl-C special value or it asks for Ctrl-C first (`interrupt: true`).
fn interrupts(args: &Value) -> bool {
    args.get("interrupt").and_then(Value::as_bool) == Some(true)
        || text_arg(args, "command")
            .or_else(|| text_arg(args, "text"))
            .is_some_and(is_ctrl_c)
}

impl Walker {
    pub(super) async fn terminal(&mut self, name: &str, args: &Value, background: bool) -> Outcome {
        let command = text_arg(args, "command").or_else(|| text_arg(args, "text"));
        let (sessions, verb) = match name {
            "execute" | "execute-1" => (vec!["1".to_string()], "execute"),
            "execute-2" => (vec!["2".to_string()], "execute"),
            "execute-3" => (vec!["3".to_string()], "execute"),
            "execute-all" | "terminal:execute-all" => (self.all_sessions(), "execute"),
            "terminal:interrupt-all" => (self.all_sessions(), "interrupt"),
            "terminal:clear-all" | "terminal:clear" => return Outcome::Passed,
            "copy" | "copy-and-edit" => return Outcome::Passed,
            "terminal:execute" => (self.sessions(args), "execute"),
            "terminal:interrupt" => (self.sessions(args), "interrupt"),
            "terminal:input" => (self.sessions(args), "input"),
            _ => return skipped("not run headless"),
        };
        let interrupt = verb == "interrupt" || command.is_some_and(is_ctrl_c);
        let interrupt_first = args.get("interrupt").and_then(Value::as_bool) == Some(true);
        let mut outcomes = Vec::new();
        for session in sessions {
            let timeout = self.timeout;
            let shell = match self.shell(&session).await {
                Ok(shell) => shell,
                Err(message) => return failed(message, ""),
            };
            let outcome = if interrupt {
                match shell.interrupt(timeout).await {
                    (Ended::TimedOut, output) => failed(
                        format!("terminal {session}: the command did not stop on Ctrl-C"),
                        &output,
                    ),
                    (Ended::ShellExited, output) => {
                        failed(format!("terminal {session}: the shell exited"), &output)
                    }
                    _ => Outcome::Passed,
                }
            } else if verb == "input" {
                let mut text = text_arg(args, "text").unwrap_or_default().to_string();
                if args.get("endl").and_then(Value::as_bool) != Some(false) {
                    text.push('\n');
                }
                if let Err(error) = shell.type_text(&text).await {
                    return failed(format!("terminal {session}: {error}"), "");
                }
                // The input answers the command left waiting for it: judge it if that ends it.
                match shell.settle(BACKGROUND_WAIT.min(timeout)).await {
                    None | Some((Ended::Status(0), _)) => Outcome::Passed,
                    Some((Ended::Status(status), output)) => failed(
                        format!(
                            "terminal {session}: the command exited with status {status} after the input"
                        ),
                        &output,
                    ),
                    Some((_, output)) => failed(format!("terminal {session}: the shell exited"), &output),
                }
            } else {
                let Some(command) = command else {
                    return failed("the block has no command", "");
                };
                // `interrupt: true` (Killercoda's `{{exec interrupt}}`): Ctrl-C first, as the dashboard does.
                if interrupt_first
                    && shell.running.is_some()
                    && let (Ended::TimedOut | Ended::ShellExited, output) = shell.interrupt(timeout).await
                {
                    return failed(
                        format!("terminal {session}: the running command did not stop on Ctrl-C"),
                        &output,
                    );
                }
                // A command fed input by an earlier step may still be finishing: give it the step's time.
                if shell.running.is_some() && !interrupt_first {
                    let _ = shell.settle(timeout).await;
                }
                if shell.running.is_some() {
                    return failed(
                        format!(
                            "terminal {session} is still running the previous command (nothing interrupted it)"
                        ),
                        "",
                    );
                }
                let wait = if background {
                    BACKGROUND_WAIT.min(timeout)
                } else {
                    timeout
                };
                match shell.run(command, wait).await {
                    (Ended::Status(0), _) => Outcome::Passed,
                    (Ended::Status(status), output) => failed(
                        format!("terminal {session}: the command exited with status {status}"),
                        &output,
                    ),
                    (Ended::TimedOut, _) if background => Outcome::Passed,
                    (Ended::TimedOut, output) => failed(
                        format!(
                            "terminal {session}: the command did not finish within {} s (hangs? give --timeout)",
                            timeout.as_secs()
                        ),
                        &output,
                    ),
                    (Ended::ShellExited, output) => {
                        let shell = self.shells.remove(&session);
                        if let Some(shell) = shell {
                            shell.stop().await;
                        }
                        failed(format!("terminal {session}: the shell exited"), &output)
                    }
                }
            };
            // A hung command is interrupted so that the next steps get a prompt.
            if let Some(shell) = self.shells.get_mut(&session)
                && shell.running.is_some()
                && !background
            {
                let _ = shell.interrupt(Duration::from_secs(5)).await;
            }
            outcomes.push(outcome);
        }
        outcomes
            .into_iter()
            .find(|o| matches!(o, Outcome::Failed { .. }))
            .unwrap_or(Outcome::Passed)
    }

    /// The terminals an action's `session` names.
    fn sessions(&self, args: &Value) -> Vec<String> {
        match session_of(args) {
            Terminals::One(name) => vec![name],
            Terminals::All => self.all_sessions(),
        }
    }

    fn all_sessions(&self) -> Vec<String> {
        let mut names: Vec<String> = self.shells.keys().cloned().collect();
        if names.is_empty() {
            names.push("1".into());
        }
        names
    }
}

/// Whether a later action of the page ends or feeds the command `action` runs (or the one its input goes
/// to), which is then not waited for to the end: a later step interrupts its terminal (the command is
/// meant to keep running: a server, `watch`, a log tail), or the next step typing into that terminal types
/// input (the command waits for it: `read`, a prompt).
pub(super) fn continued_later(later: &[Action], action: &Action) -> bool {
    let Some((mine, typed)) = typed_into(action) else {
        return false;
    };
    if typed == Typed::Interrupt {
        return false;
    }
    let into_mine = || {
        later
            .iter()
            .filter_map(|next| typed_into(next).map(|(terminals, typed)| (next, terminals, typed)))
            .filter(|(_, terminals, _)| terminals.overlaps(&mine))
    };
    let interrupted = into_mine().any(|(next, _, typed)| typed == Typed::Interrupt || interrupts(&next.args));
    let answered = into_mine()
        .next()
        .is_some_and(|(_, _, typed)| typed == Typed::Input);
    interrupted || answered
}
