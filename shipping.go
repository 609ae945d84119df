package paydeck

import (
	_ "embed"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Courier is a Korean parcel service a shipment can go with.
type Courier struct {
	// Code is paydeck's stable name of the courier ("cj", "epost", …),
	// what the API's courier field takes.
	Code   string `json:"code"`
	Name   string `json:"name"`
	NameEn string `json:"nameEn"`
	// TrackingURL is the courier's public tracking page with {number}
	// where the tracking number goes.
	TrackingURL string `json:"trackingUrl"`
}

//go:embed couriers.json
var couriersJSON []byte

// Couriers lists the couriers of couriers.json, in its order (the most used
// first). The file is the one place to change a courier's tracking page.
var Couriers = func() []Courier {
	var cs []Courier
	if err := json.Unmarshal(couriersJSON, &cs); err != nil {
		panic("paydeck: couriers.json: " + err.Error())
	}
	return cs
}()

// FindCourier returns the courier whose code or name (Korean or English,
// spaces and case ignored) is s, or nil.
func FindCourier(s string) *Courier {
	key := courierKey(s)
	if key == "" {
		return nil
	}
	for i, c := range Couriers {
		if key == c.Code || key == courierKey(c.Name) || key == courierKey(c.NameEn) {
			return &Couriers[i]
		}
	}
	return nil
}

func courierKey(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), ""))
}

// trackingNumberRE is what a tracking number may look like: 6 to 30 letters
// and digits (hyphens and spaces are dropped by NormalizeTrackingNumber).
var trackingNumberRE = regexp.MustCompile(`^[A-Za-z0-9]{6,30}$`)

// NormalizeTrackingNumber drops spaces and hyphens (couriers print numbers
// as 6305-1234-5678) and returns the number, or an invalid *Error when what
// is left is not 6 to 30 letters and digits.
func NormalizeTrackingNumber(s string) (string, error) {
	n := strings.NewReplacer(" ", "", "-", "", "\t", "").Replace(strings.TrimSpace(s))
	if !trackingNumberRE.MatchString(n) {
		return "", Errorf(CodeInvalid, "A tracking number has 6 to 30 letters and digits; %q has not.", s)
	}
	return n, nil
}

// TrackingURL returns the courier's tracking page for number ("" for an
// unknown courier or no number).
func TrackingURL(courier, number string) string {
	c := FindCourier(courier)
	if c == nil || number == "" {
		return ""
	}
	return strings.ReplaceAll(c.TrackingURL, "{number}", url.QueryEscape(number))
}

// Shipment is one parcel of an order: some or all of its lines, handed to a
// courier. An order ships in one or more shipments.
type Shipment struct {
	ID string `json:"id"`
	// OrderID is the Order.ID (internal UUID).
	OrderID string `json:"-"`
	// Courier is a Courier.Code; "" for goods sent without tracking.
	Courier        string         `json:"courier"`
	TrackingNumber string         `json:"trackingNumber"`
	Lines          []ShipmentLine `json:"items"`
	CreatedAt      time.Time      `json:"createdAt"`
}

// ShipmentLine is a quantity of one product of the order in a shipment or
// a return.
type ShipmentLine struct {
	ProductID string `json:"productId"`
	Quantity  int64  `json:"quantity"`
}

// TrackingURL is the courier's page for the shipment ("" without tracking).
func (s *Shipment) TrackingURL() string { return TrackingURL(s.Courier, s.TrackingNumber) }

// CourierName is the courier's Korean name ("" without tracking).
func (s *Shipment) CourierName() string {
	if c := FindCourier(s.Courier); c != nil {
		return c.Name
	}
	return ""
}

// Validate returns an invalid *Error naming the first broken rule: an
// order, a known courier with a tracking number or neither, at least one
// line with positive quantities.
func (s *Shipment) Validate() error {
	switch {
	case s.OrderID == "":
		return Errorf(CodeInvalid, "A shipment belongs to an order.")
	case (s.Courier == "") != (s.TrackingNumber == ""):
		return Errorf(CodeInvalid, "Give both a courier and a tracking number, or neither.")
	case s.Courier != "" && FindCourier(s.Courier) == nil:
		return Errorf(CodeInvalid, "Courier %q is not known.", s.Courier)
	case len(s.Lines) == 0:
		return Errorf(CodeInvalid, "A shipment holds at least one line.")
	}
	return validLines(s.Lines)
}

func validLines(lines []ShipmentLine) error {
	for _, l := range lines {
		if l.ProductID == "" || l.Quantity < 1 || l.Quantity > MaxItemQuantity {
			return Errorf(CodeInvalid, "Each line needs a product and a quantity between 1 and %d.", MaxItemQuantity)
		}
	}
	return nil
}

// Remaining returns, per product, the quantity of o's items not yet in any
// of shipments.
func Remaining(o *Order, shipments []*Shipment) map[string]int64 {
	left := map[string]int64{}
	for _, it := range o.Items {
		left[it.ProductID] += it.Quantity
	}
	for _, s := range shipments {
		for _, l := range s.Lines {
			left[l.ProductID] -= l.Quantity
		}
	}
	return left
}
