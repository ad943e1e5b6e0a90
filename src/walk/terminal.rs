//! `lectern test`'s terminal steps: which terminal an action types into, a command run and judged by its
//! exit status (or left running when a later step of its page interrupts it), Ctrl-C, typed input.

use std::time::Duration;

use serde_json::Value;

use super::shell::Ended;
use super::{BACKGROUND_WAIT, Walker, failed, skipped, text_arg};
use crate::content::Action;
use crate::walk::report::Outcome;

/// The terminal an action names (`session`, default `1`).
fn session_of(args: &Value) -> String {
    match args.get("session") {
        Some(Value::String(name)) if !name.trim().is_empty() => name.trim().to_string(),
        Some(Value::Number(number)) => number.to_string(),
        _ => "1".to_string(),
    }
}

/// The terminal a command-running action types into (legacy `execute-N` name their own), `None` for others.
fn command_session(action: &Action) -> Option<String> {
    match action.spec.name {
        "execute" | "execute-1" => Some("1".to_string()),
        "execute-2" => Some("2".to_string()),
        "execute-3" => Some("3".to_string()),
        "terminal:execute" => Some(session_of(&action.args)),
        _ => None,
    }
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
            "terminal:execute" => (vec![session_of(args)], "execute"),
            "terminal:interrupt" => (vec![session_of(args)], "interrupt"),
            "terminal:input" => (vec![session_of(args)], "input"),
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
                match shell.type_text(&text).await {
                    Ok(()) => Outcome::Passed,
                    Err(error) => failed(format!("terminal {session}: {error}"), ""),
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

    fn all_sessions(&self) -> Vec<String> {
        let mut names: Vec<String> = self.shells.keys().cloned().collect();
        if names.is_empty() {
            names.push("1".into());
        }
        names
    }
}

/// Whether a later action of the page interrupts the terminal `action` runs its command in (the command
/// is meant to keep running: a server, `watch`, a log tail).
pub(super) fn interrupted_later(later: &[Action], action: &Action) -> bool {
    let Some(session) = command_session(action) else {
        return false;
    };
    later.iter().any(|next| match next.spec.name {
        "terminal:interrupt" => session_of(&next.args) == session,
        "terminal:interrupt-all" => true,
        "execute-all" | "terminal:execute-all" => interrupts(&next.args),
        _ => command_session(next).is_some_and(|target| target == session) && interrupts(&next.args),
    })
}
