package app

import (
	"errors"
	"io/fs"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/duetpair/duet/internal/safetext"
	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions/wire"
)

// keysScreen shows your public key (Copy, and Generate when there is none) and the
// approved partner keys (Revoke, and Add by pasting).
type keysScreen struct {
	u   *UI
	dlg *dialog.CustomDialog

	pub      *widget.Label // your public key, or that there is none
	fp       *widget.Label
	copy     *widget.Button
	generate *widget.Button

	approved *fyne.Container
	rows     []*approvedRow
	problems []string // the approved_keys lines skipped, as shown
	paste    *widget.Entry
	role     *widget.RadioGroup
	add      *widget.Button

	revokeDlg *dialog.ConfirmDialog // the last Revoke question, for tests
}

// approvedRow is one approved key.
type approvedRow struct {
	fp     string
	label  *widget.Label
	revoke *widget.Button
}

func newKeysScreen(u *UI) *keysScreen {
	k := &keysScreen{u: u}
	k.pub = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	k.pub.Wrapping = fyne.TextWrapBreak
	k.fp = caption("")
	k.copy = widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), k.onCopy)
	k.generate = widget.NewButtonWithIcon("Generate", theme.ContentAddIcon(), k.onGenerate)
	k.generate.Importance = widget.HighImportance
	k.approved = container.NewVBox()
	k.paste = widget.NewMultiLineEntry()
	k.paste.SetPlaceHolder("ssh-ed25519 AAAA… alice@laptop")
	k.paste.SetMinRowsVisible(2)
	k.paste.Wrapping = fyne.TextWrapBreak
	k.role = widget.NewRadioGroup([]string{roleTypeText, roleViewText}, nil)
	k.role.Horizontal = true
	k.role.Required = true
	k.role.SetSelected(roleTypeText)
	k.add = widget.NewButtonWithIcon("Add", theme.ContentAddIcon(), k.onAdd)
	content := container.NewVBox(
		heading("Your key"),
		caption("Partners' hosts approve this key; send it to them, or join and let them approve it."),
		k.pub, k.fp,
		container.NewHBox(k.copy, k.generate),
		widget.NewSeparator(),
		heading("Approved partners"),
		caption("These keys join without asking. Revoking a key disconnects it at once."),
		k.approved,
		widget.NewSeparator(),
		heading("Approve a key"),
		k.paste,
		container.NewBorder(nil, nil, k.role, k.add),
	)
	k.dlg = dialog.NewCustom("Keys", "Close", fixedWidth(600, container.NewVScroll(content)), u.w)
	return k
}

// show opens the screen with what the config dir holds now.
func (k *keysScreen) show() {
	k.refresh()
	k.dlg.Resize(fyne.NewSize(660, min(640, k.u.w.Canvas().Size().Height-40)))
	k.dlg.Show()
}

func (k *keysScreen) refresh() {
	id, err := k.u.cfg.Store.LoadIdentity()
	switch {
	case err == nil:
		k.pub.SetText(id.AuthorizedKey())
		k.fp.SetText(id.Fingerprint())
		k.copy.Enable()
		k.generate.Hide()
	case errors.Is(err, fs.ErrNotExist):
		k.pub.SetText("You have no key yet.")
		k.fp.SetText("Generate one to join others' sessions; Duet also makes one the first time you join.")
		k.copy.Disable()
		k.generate.Show()
	default:
		k.u.log.Warn("load identity", "err", err)
		k.pub.SetText("Your key could not be read.")
		k.fp.SetText(sentence("", err))
		k.copy.Disable()
		k.generate.Hide()
	}
	k.refreshApproved()
}

func (k *keysScreen) refreshApproved() {
	entries, err := k.u.cfg.Store.Approved().List()
	if err != nil {
		k.u.log.Warn("list approved keys", "err", err)
	}
	k.rows, k.problems = nil, nil
	var objs []fyne.CanvasObject
	if len(entries) == 0 {
		objs = append(objs, caption("No approved keys yet."))
	}
	for _, e := range entries {
		r := &approvedRow{fp: e.Fingerprint()}
		name := wire.CleanName(e.Comment)
		if name == "" {
			name = "(no comment)"
		}
		role := "can type"
		if e.Role == keys.RoleView {
			role = "view only"
		}
		if e.From != "" {
			role += " · from " + safetext.Line(e.From, 60)
		}
		if !e.Expires.IsZero() {
			role += " · until " + e.Expires.Format("2006-01-02")
		}
		r.label = widget.NewLabel(name + " · " + role + "\n" + r.fp)
		r.label.Truncation = fyne.TextTruncateEllipsis
		r.revoke = widget.NewButtonWithIcon("Revoke", theme.DeleteIcon(), func() { k.askRevoke(r.fp, name) })
		r.revoke.Importance = widget.DangerImportance
		k.rows = append(k.rows, r)
		objs = append(objs, container.NewBorder(nil, nil, nil, r.revoke, r.label))
	}
	// Lines that approve nobody (an option Duet does not honour, a certificate, a typo)
	// are named, as the host's log names them.
	for _, p := range k.u.cfg.Store.Approved().Problems() {
		w := caption("⚠ skipped: " + safetext.Line(p.Error(), safetext.MaxLine))
		k.problems = append(k.problems, w.Text)
		objs = append(objs, w)
	}
	k.approved.Objects = objs
	k.approved.Refresh()
}

func (k *keysScreen) onCopy() {
	id, err := k.u.cfg.Store.LoadIdentity()
	if err != nil {
		k.u.showError("Your key could not be read", err)
		return
	}
	k.u.a.Clipboard().SetContent(id.AuthorizedKey())
}

func (k *keysScreen) onGenerate() {
	id, err := k.u.cfg.Store.LoadOrCreateIdentity()
	if err != nil {
		k.u.showError("Duet could not create your key", err)
		return
	}
	k.u.log.Info("identity created", "fp", id.Fingerprint())
	k.refresh()
}

// askRevoke asks before revoking a key.
func (k *keysScreen) askRevoke(fp, name string) {
	d := dialog.NewConfirm("Revoke "+name+"'s key?",
		name+" can no longer join without asking you, and is disconnected now if connected.\n"+fp,
		func(ok bool) {
			if ok {
				k.onRevoke(fp)
			}
		}, k.u.w)
	d.SetConfirmText("Revoke")
	d.SetDismissText("Cancel")
	k.revokeDlg = d
	d.Show()
}

// onRevoke removes a key from the approved keys and disconnects it.
func (k *keysScreen) onRevoke(fp string) {
	var err error
	if k.u.hosting != nil {
		err = k.u.hosting.host.Revoke(fp)
	} else {
		_, err = k.u.cfg.Store.Approved().Remove(fp)
	}
	if err != nil {
		k.u.showError("Duet could not revoke the key", err)
	}
	k.refreshApproved()
	k.u.refreshSoon()
}

// onAdd approves the pasted keys.
func (k *keysScreen) onAdd() {
	entries, problems := keys.ParsePublicKeys("pasted text", []byte(k.paste.Text))
	if len(problems) > 0 {
		k.u.showError("That is not a public key", errors.New("paste a line such as ssh-ed25519 AAAA… name"))
		return
	}
	if len(entries) == 0 {
		return
	}
	role := keys.RoleType
	if k.role.Selected == roleViewText {
		role = keys.RoleView
	}
	for _, e := range entries {
		if err := k.u.cfg.Store.Approved().Add(e.Key, role, e.Comment); err != nil {
			k.u.showError("Duet could not save the key", err)
			return
		}
		k.u.log.Info("key approved", "fp", e.Fingerprint(), "role", role.String())
	}
	k.paste.SetText("")
	k.refreshApproved()
}
