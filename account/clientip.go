package account

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ParseProxies parses a comma- or space-separated list of CIDRs (or single
// addresses) such as PAYDECK_TRUSTED_PROXIES.
func ParseProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q is neither a CIDR nor an IP address", f)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// ClientIP is r's client address: see ClientIPFrom.
func (s *Service) ClientIP(r *http.Request) string {
	return s.ClientIPFrom(r.RemoteAddr, r.Header.Values("X-Forwarded-For"))
}

// ClientIPFrom returns the client address of a request that arrived from
// remoteAddr ("host:port") carrying the X-Forwarded-For header values xff.
// Unless remoteAddr is a trusted proxy, xff is ignored (anyone can send
// it). Behind trusted proxies it walks xff from the right, skipping
// trusted addresses, and returns the first untrusted one; an entry that is
// not an IP address stops the walk at the last address known good.
func (s *Service) ClientIPFrom(remoteAddr string, xff []string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	addr = addr.Unmap()
	if !s.trusted(addr) {
		return addr.String()
	}
	var hops []string
	for _, v := range xff {
		hops = append(hops, strings.Split(v, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		addr = hop.Unmap()
		if !s.trusted(addr) {
			break
		}
	}
	return addr.String()
}

func (s *Service) trusted(a netip.Addr) bool {
	for _, p := range s.c.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
