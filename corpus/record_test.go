package corpus

import "testing"

func TestSetKeys(t *testing.T) {
	tests := []struct {
		name string
		in   string
		kv   [][2]string
		want string
	}{
		{"replace keeps comments and order", "# c\nlabels: a\nexpect: diverge\ndivergence.register: rax\nreason: r\n",
			[][2]string{{"divergence.register", "rbx"}}, "# c\nlabels: a\nexpect: diverge\ndivergence.register: rbx\nreason: r\n"},
		{"append missing", "labels: a\n", [][2]string{{"divergence.oracle", "0x1"}}, "labels: a\ndivergence.oracle: 0x1\n"},
		{"remove", "labels: a\ndivergence.address: 0x10\n", [][2]string{{"divergence.address", ""}}, "labels: a\n"},
		{"comment mentioning key untouched", "# divergence.register: old\nlabels: a\n",
			[][2]string{{"divergence.register", "rax"}}, "# divergence.register: old\nlabels: a\ndivergence.register: rax\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(SetKeys([]byte(tt.in), tt.kv))
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}
