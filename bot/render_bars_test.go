package bot_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sammachip/sammachip/bot"
	"github.com/sammachip/sammachip/bot/linefake"
	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// barsDistrict is a district of n villages with long names and every kind
// of row: practising above and below the mark, not enough answers, no week
// yet, occupation groups.
func barsDistrict(n int) *flows.Indicators {
	f := func(v float64) *float64 { return &v }
	b := func(v bool) *bool { return &v }
	ind := &flows.Indicators{Round: flows.Round{ID: 1, FiscalYear: 2570}, At: time.Date(2027, 1, 20, 10, 0, 0, 0, time.UTC)}
	for i := 1; i <= n; i++ {
		v := flows.Village{ID: i, Moo: i % 10, Name: fmt.Sprintf("บ้านหนองบัวทองพัฒนาสามัคคีเจริญสุข%d", i), Tambon: "หนองบัวทองพัฒนา", Occupation: "แปรรูปผลิตภัณฑ์จากสมุนไพรพื้นบ้าน"}
		fig := flows.Figures{Trained: 20, FollowedUp: 18, Practising: 16, PractisingPct: f(88.9), MeetsPractisingTarget: b(true),
			IncomeCounted: 15, IncomeBeforeAvg: f(4500), IncomeAfterAvg: f(4700), IncomeChangePct: f(4.4), MeetsIncomeTarget: b(true)}
		switch i % 4 {
		case 1:
			fig.PractisingPct, fig.MeetsPractisingTarget, fig.IncomeChangePct, fig.MeetsIncomeTarget = f(61.1), b(false), f(-2.5), b(false)
		case 2:
			fig = flows.Figures{Trained: 20, FollowedUp: 3}
		case 3:
			fig = flows.Figures{}
		}
		ind.Villages = append(ind.Villages, flows.VillageFigures{Village: v, ID: v.ID, Moo: v.Moo, Name: v.Name, Figures: fig,
			GroupsFormed: i % 2, Groups: []string{"กลุ่ม"}})
	}
	for i, v := range ind.Villages[:3] {
		ind.ByOccupation = append(ind.ByOccupation, flows.OccupationFigures{Occupation: fmt.Sprintf("อาชีพที่ %d %s", i+1, v.Occupation), Villages: 7, Figures: v.Figures})
	}
	ind.District = flows.DistrictFigures{Figures: ind.Villages[0].Figures, Villages: n, GroupsFormed: n / 2, VillagesWithGroup: n / 2, GroupsTargetMet: true}
	return ind
}

// TestIndicatorsCardLINEAccepts sends the indicators card, every page of
// a large district in both languages, to the strict fake LINE: it must
// take each as it is (Flex size limits, box-drawn bars, no image links).
func TestIndicatorsCardLINEAccepts(t *testing.T) {
	fake := linefake.New()
	defer fake.Close()
	url := fake.Start()
	cat := locales.MustLoad()
	ind := barsDistrict(40)
	for _, lang := range locales.Langs() {
		for _, byOcc := range []bool{false, true} {
			for page := range 3 {
				card := flows.IndicatorsCard(ind, page, byOcc)
				if len(card.Bars) > flows.MaxBars {
					t.Fatalf("page %d: %d bars, more than one card holds", page, len(card.Bars))
				}
				msgs, err := bot.NewRenderer(cat).Render(lang, []flows.Reply{card})
				if err != nil {
					t.Fatal(err)
				}
				if s := string(msgs[0]); !strings.Contains(s, `"offsetStart":"85%"`) || strings.Contains(s, "http") {
					t.Errorf("%s page %d: want bars drawn with boxes against 85%%, no links", lang, page)
				}
				body, _ := json.Marshal(map[string]any{"to": "U0123456789abcdef0123456789abcdef", "messages": msgs})
				req, _ := http.NewRequest(http.MethodPost, url+"/v2/bot/message/push", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Line-Retry-Key", fmt.Sprintf("123e4567-e89b-42d3-a456-%012d", len(fake.Sent(linefake.KindPush))+1))
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					t.Errorf("%s page %d (by occupation %v): LINE answered %d: %+v", lang, page, byOcc, res.StatusCode, fake.Rejected())
				}
			}
		}
	}
}
