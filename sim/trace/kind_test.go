package trace

import "testing"

func TestKindNames(t *testing.T) {
	want := []string{"send", "deliver", "drop", "dup", "call", "result", "callback", "timer", "fault", "note", "violation"}
	for i, name := range want {
		k := Kind(i + 1)
		if got := k.String(); got != name {
			t.Errorf("Kind(%d).String() = %q, want %q", i+1, got, name)
		}
		p, err := ParseKind(name)
		if err != nil || p != k {
			t.Errorf("ParseKind(%q) = %v, %v", name, p, err)
		}
	}
	for _, k := range []Kind{0, kindEnd, 99, 255} {
		if k.Valid() {
			t.Errorf("Kind(%d) should be invalid", k)
		}
	}
	if got := Kind(99).String(); got != "kind(99)" {
		t.Errorf("Kind(99).String() = %q", got)
	}
	for _, s := range []string{"", "Send", "kind(1)", "sends"} {
		if _, err := ParseKind(s); err == nil {
			t.Errorf("ParseKind(%q) succeeded", s)
		}
	}
}
