package flows_test

import (
	"errors"
	"testing"

	"github.com/sammachip/sammachip/bot"
	"github.com/sammachip/sammachip/flows"
)

// handleCase is one input of the demo district, as a person sends it.
type handleCase struct {
	name string
	in   flows.Input
}

// handleCases sets the demo district up and returns the inputs the
// handling benchmarks repeat: the commonest texts and taps of a day.
func handleCases(b testing.TB) (*rig, []handleCase) {
	b.Helper()
	r := newRig(b, demoOpts)
	// Everyone but the newcomer has talked to the bot before: their
	// conversation record holds what the last answer offered. The
	// household's schedule shows today's attendance card; its "will come"
	// is what the household taps, and its label what they type.
	const returning = "U00000000000000000000000000000abc"
	r.say(returning, "เมนู")
	r.say(flows.DemoVillagerID, "เมนู")
	r.say(flows.DemoOfficerID, "สรุป")
	card := r.say(flows.DemoHousehold1ID, "ตารางของฉัน")
	will := buttonKey(b, card, "attendance.btn.will")
	text := func(user, s string) flows.Input {
		return flows.Input{Kind: flows.InputText, UserID: user, Text: s, At: r.now}
	}
	return r, []handleCase{
		// A LINE user the bot has never met asks for the menu, and one it
		// has answered before (BenchmarkEndToEnd's and the load tool's
		// event: a text "เมนู" from one of 500 users).
		{"newcomer-menu", text("U0123456789abcdef0123456789abcdef", "เมนู")},
		{"returning-menu", text(returning, "เมนู")},
		{"villager-menu", text(flows.DemoVillagerID, "เมนู ค่ะ")},
		{"household-schedule", text(flows.DemoHousehold1ID, "ตารางของฉัน")},
		{"household-tap-card", flows.Input{Kind: flows.InputPostback, UserID: flows.DemoHousehold1ID, Data: will, At: r.now}},
		{"household-types-label", text(flows.DemoHousehold1ID, "จะไปค่ะ")},
		{"officer-summary", text(flows.DemoOfficerID, "สรุป")},
	}
}

// errRollback ends a benchmark's transaction without committing it, so
// that every iteration handles its input in the same state.
var errRollback = errors.New("rollback")

// BenchmarkHandleText measures the domain's CPU per event: Engine.Handle
// inside a read-write transaction of the demo district, rolled back
// rather than committed (a commit's fsyncs are storage's and the worker's
// cost, measured by bot's BenchmarkEndToEnd).
//
//	go test -run '^$' -bench 'HandleText|RenderReply' -benchmem -count 5 ./flows/
func BenchmarkHandleText(b *testing.B) {
	r, cases := handleCases(b)
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			var replies int
			for b.Loop() {
				err := r.db.Update(func(tx flows.Tx) error {
					out, err := r.eng.Handle(tx, tc.in)
					if err != nil {
						return err
					}
					replies = len(out.Replies)
					return errRollback
				})
				if !errors.Is(err, errRollback) {
					b.Fatal(err)
				}
			}
			if replies == 0 {
				b.Fatal("no reply")
			}
		})
	}
}

// BenchmarkRenderReply measures rendering the same inputs' answers into
// LINE's JSON (bot.Renderer), as the worker does before queuing them.
func BenchmarkRenderReply(b *testing.B) {
	r, cases := handleCases(b)
	render := bot.NewRenderer(catalog)
	for _, tc := range cases {
		var out flows.Outcome
		if err := r.db.Update(func(tx flows.Tx) error {
			var err error
			out, err = r.eng.Handle(tx, tc.in)
			if err != nil {
				return err
			}
			return errRollback
		}); !errors.Is(err, errRollback) {
			b.Fatal(err)
		}
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := render.Render(out.Lang, out.Replies); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
