#!/usr/bin/env python3
"""A TCP delay line on loopback: adds network round-trip time in front of a registry.

`tc netem` needs a kernel module that many CI machines lack, so latency is added in user space.
Each chunk read in either direction is forwarded half an RTT later, in order; a new connection is
held for one RTT before the first byte goes through (the TCP handshake a real link would cost).
So a request on a fresh connection costs 2 RTT, on a kept-alive connection 1 RTT, as over a WAN.
The proxy never looks inside the bytes: TLS passes through.

Usage: delay_proxy.py LISTEN_PORT TARGET_HOST:PORT RTT_MS   (prints "ready PORT" when listening)
Only loopback targets are accepted; the proxy exits when stdin closes (its parent died).
"""
import asyncio
import contextlib
import sys

# asyncio keeps only weak references to tasks: an idle connection's task would be collected mid-flight.
LIVE = set()


async def pipe(reader, writer, delay):
    """Copies reader to writer, each chunk `delay` seconds after it arrived."""
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def read():
        try:
            while chunk := await reader.read(65536):
                queue.put_nowait((loop.time() + delay, chunk))
        except OSError:
            pass
        queue.put_nowait((loop.time() + delay, b""))

    reading = asyncio.create_task(read())
    try:
        while True:
            due, chunk = await queue.get()
            if (wait := due - loop.time()) > 0:
                await asyncio.sleep(wait)
            if not chunk:
                if writer.can_write_eof():
                    writer.write_eof()
                return
            writer.write(chunk)
            await writer.drain()
    except OSError:
        pass  # the other side went away; the connection is over
    finally:
        reading.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reading


async def main():
    listen_port, target, rtt_ms = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    host, _, port = target.rpartition(":")
    if host not in ("127.0.0.1", "localhost", "::1", "[::1]"):
        sys.exit("delay_proxy: only loopback targets")
    rtt = rtt_ms / 1000

    async def connection(client_reader, client_writer):
        task = asyncio.current_task()
        LIVE.add(task)
        try:
            await forward(client_reader, client_writer)
        except asyncio.CancelledError:
            pass  # shutting down: end quietly
        finally:
            LIVE.discard(task)

    async def forward(client_reader, client_writer):
        await asyncio.sleep(rtt)  # the handshake
        try:
            up_reader, up_writer = await asyncio.open_connection(host.strip("[]"), int(port))
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(
            pipe(client_reader, up_writer, rtt / 2),
            pipe(up_reader, client_writer, rtt / 2),
        )
        for w in (client_writer, up_writer):
            w.close()

    server = await asyncio.start_server(connection, "127.0.0.1", listen_port, backlog=1024)
    print("ready", server.sockets[0].getsockname()[1], flush=True)
    loop = asyncio.get_running_loop()
    # Stop when the parent closes our stdin, so no proxy outlives a benchmark.
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
