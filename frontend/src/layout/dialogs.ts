// Modal dialogs (native <dialog>): finish, terminate, expired, image preview.

/** Builds a <dialog> with a title, body and buttons; resolves with the chosen button's value. */
export function makeDialog(id: string, title: string): { dialog: HTMLDialogElement; body: HTMLElement; actions: HTMLElement } {
  const dialog = document.createElement("dialog");
  dialog.id = id;
  dialog.className = "dialog";
  dialog.setAttribute("aria-labelledby", `${id}-title`);
  const form = document.createElement("form");
  form.method = "dialog";
  const heading = document.createElement("h2");
  heading.id = `${id}-title`;
  heading.textContent = title;
  const body = document.createElement("div");
  body.className = "dialog-body";
  const actions = document.createElement("div");
  actions.className = "dialog-actions";
  form.append(heading, body, actions);
  dialog.append(form);
  document.body.append(dialog);
  return { dialog, body, actions };
}

/** Adds a button that closes the dialog with `value`. */
export function dialogButton(actions: HTMLElement, label: string, value: string, primary = false): HTMLButtonElement {
  const button = document.createElement("button");
  button.value = value;
  button.textContent = label;
  button.className = primary ? "button primary" : "button";
  actions.append(button);
  return button;
}

/** Opens a dialog and resolves with the returnValue once it closes. */
export function ask(dialog: HTMLDialogElement): Promise<string> {
  return new Promise((resolve) => {
    dialog.returnValue = "";
    dialog.addEventListener("close", () => resolve(dialog.returnValue), { once: true });
    if (!dialog.open) dialog.showModal();
  });
}
