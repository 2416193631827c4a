package org.ratmemcache.server;

import java.util.function.Supplier;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * Picks a connection's protocol from its first byte, as memcached does: 0x80, the binary request
 * magic, means binary; anything else, text (which includes the meta commands). It then replaces
 * itself with the chosen handler and hands it the bytes. A protocol whose supplier gives null is
 * not served (authentication guards the other one): the connection is closed unanswered.
 */
final class ProtocolDetector extends ChannelInboundHandlerAdapter {

    private static final byte BINARY_MAGIC = (byte) 0x80;

    private final Supplier<ConnectionHandler> text;
    private final Supplier<ConnectionHandler> binary;

    ProtocolDetector(Supplier<ConnectionHandler> text, Supplier<ConnectionHandler> binary) {
        this.text = text;
        this.binary = binary;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        if (!in.isReadable()) {
            in.release();
            return;
        }
        ConnectionHandler handler = (in.getByte(in.readerIndex()) == BINARY_MAGIC ? binary : text).get();
        if (handler == null) {
            in.release();
            ctx.close();
            return;
        }
        ctx.pipeline().replace(this, "connection", handler);
        handler.channelRead(ctx.pipeline().context(handler), in);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ctx.close(); // connected, then silent for the whole idle timeout
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
