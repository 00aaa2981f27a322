package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/duetpair/duet/keys"
)

// hostKeyDialog is the dialog about a changed host key (forget it) or an invite's new
// key (replace the old one), kept for tests.
type hostKeyDialog struct {
	dlg    *dialog.CustomDialog
	text   string         // what it says, as shown
	action *widget.Button // Forget this host, or Replace and join
	cancel *widget.Button
}

// fingerprintLines lists the offered and the stored keys of e, one per line, in the
// words both dialogs use.
func fingerprintLines(e *keys.HostKeyError, offered string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s (%s)\n", offered, keys.Fingerprint(e.Key), e.Key.Type())
	for _, k := range e.Known {
		fmt.Fprintf(&b, "stored: %s (%s), %s line %d\n", keys.Fingerprint(k.Key), k.Key.Type(), k.Filename, k.Line)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// hostKeyContent lays out intro, the fingerprints (selectable, to compare or copy) and
// a closing note.
func hostKeyContent(intro, fps, note string) fyne.CanvasObject {
	in := widget.NewLabel(intro)
	in.Wrapping = fyne.TextWrapWord
	fp := widget.NewLabelWithStyle(fps, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	fp.Wrapping = fyne.TextWrapBreak
	fp.Selectable = true
	nt := widget.NewLabel(note)
	nt.Wrapping = fyne.TextWrapWord
	return fixedWidth(640, container.NewVBox(in, fp, nt))
}

// showHostKeyChanged says that the key of a host Duet knows has changed, with both
// fingerprints, and offers to forget the stored key: then again runs (the join, or the
// relay, starting over: an unknown host is asked about, with its new fingerprint).
// what names the host to the user: "the host", "the relay".
func (u *UI) showHostKeyChanged(what string, e *keys.HostKeyError, again func()) {
	intro := fmt.Sprintf("The key of %s %s has changed, so Duet refused to connect. Someone may be intercepting "+
		"the connection, or %s made a new key.", what, e.Host, what)
	fps := fingerprintLines(e, "offered:")
	note := fmt.Sprintf("Check the offered fingerprint with whoever runs %s. Only if they made a new key, forget the "+
		"stored one: Duet then asks about the new key as for a host it has not seen.", what)
	d := &hostKeyDialog{text: intro + "\n" + fps + "\n" + note}
	host := e.Host
	d.action = widget.NewButtonWithIcon("Forget this host", theme.DeleteIcon(), func() {
		d.dlg.Hide()
		n, err := u.cfg.Store.KnownHosts().Forget(host)
		if err != nil {
			u.showError("Duet could not forget "+host, err)
			return
		}
		u.log.Info("known host forgotten", "host", host, "lines", n)
		if again != nil {
			again()
		}
	})
	d.action.Importance = widget.DangerImportance
	d.cancel = widget.NewButton("Cancel", func() { d.dlg.Hide() })
	d.dlg = dialog.NewCustomWithoutButtons(fmt.Sprintf("The key of %s has changed", what), hostKeyContent(intro, fps, note), u.w)
	d.dlg.SetButtons([]fyne.CanvasObject{d.cancel, d.action})
	d.dlg.SetIcon(theme.WarningIcon())
	u.hostKeyDlg = d
	d.dlg.Show()
}

// errNotReplaced is the user's no to an invite's new key.
var errNotReplaced = errors.New("the stored key was kept")

// replaceHost is the join's ReplaceHost: it asks on the UI goroutine whether the key
// the invite pins replaces the one on file, and waits for the answer or ctx.
func (u *UI) replaceHost(ctx context.Context) func(*keys.HostKeyError) error {
	return func(e *keys.HostKeyError) error {
		return u.waitAnswer(ctx, errNotReplaced,
			func(ans chan<- bool) { u.askReplace(e, ans) },
			func() {
				if u.hostKeyDlg != nil {
					u.hostKeyDlg.dlg.Hide()
				}
			})
	}
}

// askReplace asks whether the invite's key for a host replaces the stored one.
func (u *UI) askReplace(e *keys.HostKeyError, ans chan<- bool) {
	intro := fmt.Sprintf("The invite gives %s a new key, not the one Duet stored when you joined it before.", e.Host)
	fps := fingerprintLines(e, "invite:")
	note := "Replace the stored key only if the invite came from the host itself (the host made a new key). " +
		"Otherwise cancel: someone may be intercepting the connection."
	d := &hostKeyDialog{text: intro + "\n" + fps + "\n" + note}
	answered := false
	answer := func(ok bool) {
		if answered {
			return
		}
		answered = true
		ans <- ok // buffered 1, sent once
		d.dlg.Hide()
	}
	d.action = widget.NewButtonWithIcon("Replace and join", theme.ConfirmIcon(), func() { answer(true) })
	d.action.Importance = widget.DangerImportance
	d.cancel = widget.NewButton("Cancel", func() { answer(false) })
	d.dlg = dialog.NewCustomWithoutButtons("Replace the stored host key?", hostKeyContent(intro, fps, note), u.w)
	d.dlg.SetButtons([]fyne.CanvasObject{d.cancel, d.action})
	d.dlg.SetIcon(theme.WarningIcon())
	d.dlg.SetOnClosed(func() { answer(false) })
	u.hostKeyDlg = d
	d.dlg.Show()
}
