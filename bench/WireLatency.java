import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The gateway's own time per request at one connection, read off a packet capture of the loopback device: no
 * load generator's bookkeeping in it, and no coordinated-omission correction (wrk adds synthetic samples for every
 * slow reply before it reports percentiles, which at one connection turns one 5 ms stall into ~14 samples).
 *
 * <p>With one request in flight the packets carrying data come in a fixed order: the client's request to the
 * gateway (A), the gateway's request to the upstream (B), the upstream's reply (C), the gateway's reply (D), then
 * the client's next request. Per request it reports:
 * <ul>
 *   <li>gateway: (last B - last A) + (last D - last C), the time the request spent in the gateway, its wake-ups
 *       included; the kernel stamps each packet when the sender hands it to the loopback device;</li>
 *   <li>upstream: last C - last B, the mock's time as the gateway sees it;</li>
 *   <li>cycle: next A - first A, the whole round as the client lives it (its own wake-ups included).</li>
 * </ul>
 *
 * <pre>
 * tcpdump -i lo -n -s 128 -w /tmp/c1.pcap 'tcp port 18080 or tcp port 18001'   # while one connection loads
 * java bench/WireLatency.java /tmp/c1.pcap 18080 18001 caravan-c1-wire
 * </pre>
 * Used by {@code SCENARIOS=c1wire bench/run.sh}. Reads pcap files (microsecond or nanosecond stamps; Ethernet,
 * Linux cooked or BSD loopback link types), IPv4 and IPv6.
 */
public class WireLatency {

    record Packet(long nanos, int srcPort, int dstPort, int payload) {}

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: WireLatency FILE.pcap GATEWAY_PORT UPSTREAM_PORT [LABEL]");
            System.exit(64);
        }
        int gateway = Integer.parseInt(args[1]);
        int upstream = Integer.parseInt(args[2]);
        String label = args.length > 3 ? args[3] : "c1-wire";
        List<long[]> rounds = rounds(read(Path.of(args[0])), gateway, upstream);
        if (rounds.size() < 100) {
            System.err.println("only " + rounds.size() + " complete requests in the capture");
            System.exit(1);
        }
        long[] gw = new long[rounds.size()];
        long[] up = new long[rounds.size()];
        long[] cycle = new long[rounds.size()];
        for (int i = 0; i < rounds.size(); i++) {
            long[] r = rounds.get(i); // firstA lastA lastB lastC lastD nextA
            gw[i] = (r[2] - r[1]) + (r[4] - r[3]);
            up[i] = r[3] - r[2];
            cycle[i] = r[5] - r[0];
        }
        Arrays.sort(gw);
        Arrays.sort(up);
        Arrays.sort(cycle);
        System.out.println(String.format(Locale.ROOT,
                "gw_p50_ms=%s gw_p90_ms=%s gw_p99_ms=%s gw_p999_ms=%s gw_max_ms=%s upstream_p50_ms=%s upstream_p99_ms=%s"
                        + " cycle_p50_ms=%s cycle_p99_ms=%s cycle_p999_ms=%s requests=%d label=%s",
                ms(gw, .5), ms(gw, .9), ms(gw, .99), ms(gw, .999), ms(gw, 1), ms(up, .5), ms(up, .99),
                ms(cycle, .5), ms(cycle, .99), ms(cycle, .999), rounds.size(), label));
    }

    /** One row per complete request: firstA, lastA, lastB, lastC, lastD, next request's first A. */
    static List<long[]> rounds(List<Packet> packets, int gateway, int upstream) {
        List<long[]> out = new ArrayList<>();
        long[] cur = null; // a request being followed; 0 = not seen yet
        for (Packet p : packets) {
            if (p.payload() == 0) {
                continue;
            }
            if (p.dstPort() == gateway) {
                if (cur != null && cur[4] != 0) { // a reply was seen: this is the next request
                    cur[5] = p.nanos();
                    if (cur[2] != 0 && cur[3] != 0) {
                        out.add(cur);
                    }
                    cur = null;
                }
                if (cur == null) {
                    cur = new long[6];
                    cur[0] = p.nanos();
                }
                cur[1] = p.nanos();
            } else if (cur == null) {
                continue; // the capture started in the middle of a request
            } else if (p.dstPort() == upstream) {
                cur[2] = p.nanos();
            } else if (p.srcPort() == upstream) {
                cur[3] = p.nanos();
            } else if (p.srcPort() == gateway) {
                cur[4] = p.nanos();
            }
        }
        return out;
    }

    static String ms(long[] sorted, double q) {
        int i = (int) Math.min(sorted.length - 1, Math.floor(sorted.length * q));
        return String.format(Locale.ROOT, "%.3f", sorted[i] / 1e6);
    }

    static List<Packet> read(Path file) throws IOException {
        List<Packet> out = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
            byte[] global = new byte[24];
            in.readFully(global);
            ByteBuffer g = ByteBuffer.wrap(global).order(ByteOrder.LITTLE_ENDIAN);
            int magic = g.getInt(0);
            ByteOrder order = ByteOrder.LITTLE_ENDIAN;
            if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1) {
                order = ByteOrder.BIG_ENDIAN;
                magic = Integer.reverseBytes(magic);
            }
            if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
                throw new IOException(file + " is not a pcap file (pcapng is not read: use tcpdump -w)");
            }
            boolean nanoStamps = magic == 0xa1b23c4d;
            int linkType = ByteBuffer.wrap(global).order(order).getInt(20);
            int linkHeader = switch (linkType) {
                case 0 -> 4;    // BSD loopback
                case 1 -> 14;   // Ethernet (Linux lo)
                case 113 -> 16; // Linux cooked
                case 276 -> 20; // Linux cooked v2
                default -> throw new IOException("link type " + linkType + " is not read");
            };
            byte[] head = new byte[16];
            while (true) {
                try {
                    in.readFully(head);
                } catch (EOFException end) {
                    break;
                }
                ByteBuffer h = ByteBuffer.wrap(head).order(order);
                long seconds = h.getInt(0) & 0xffffffffL;
                long fraction = h.getInt(4) & 0xffffffffL;
                int captured = h.getInt(8);
                byte[] data = in.readNBytes(captured);
                Packet p = tcp(data, linkHeader, seconds * 1_000_000_000L + (nanoStamps ? fraction : fraction * 1000));
                if (p != null) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    /** The TCP ports and payload length of one captured frame, or null when it is not TCP. */
    static Packet tcp(byte[] frame, int linkHeader, long nanos) {
        ByteBuffer b = ByteBuffer.wrap(frame).order(ByteOrder.BIG_ENDIAN);
        int ip = linkHeader;
        if (frame.length < ip + 20) {
            return null;
        }
        int version = (frame[ip] >> 4) & 0xf;
        int tcp;
        int ipPayload;
        if (version == 4) {
            if ((frame[ip + 9] & 0xff) != 6) {
                return null;
            }
            int ihl = (frame[ip] & 0xf) * 4;
            ipPayload = (b.getShort(ip + 2) & 0xffff) - ihl;
            tcp = ip + ihl;
        } else if (version == 6) {
            if ((frame[ip + 6] & 0xff) != 6) {
                return null; // extension headers are not followed: loopback traffic has none
            }
            ipPayload = b.getShort(ip + 4) & 0xffff;
            tcp = ip + 40;
        } else {
            return null;
        }
        if (frame.length < tcp + 13) {
            return null;
        }
        int dataOffset = ((frame[tcp + 12] >> 4) & 0xf) * 4;
        return new Packet(nanos, b.getShort(tcp) & 0xffff, b.getShort(tcp + 2) & 0xffff, ipPayload - dataOffset);
    }
}
