package io.basalt.api.http;

import io.basalt.api.ApiException;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;

/**
 * Netty's body aggregator, except that the refusals it sends itself (413 for a body over the limit,
 * 417 for an expectation it cannot meet) carry the API's JSON error body like every other error:
 * Netty's own answers have an empty body.
 */
final class JsonErrorAggregator extends HttpObjectAggregator {
    private final int maxContentLength;

    JsonErrorAggregator(int maxContentLength) {
        super(maxContentLength);
        this.maxContentLength = maxContentLength;
    }

    /** Netty's decision (100 Continue, 413 or 417), with any refusal rewritten as a JSON error. */
    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        Object response = super.newContinueResponse(start, maxContentLength, pipeline);
        if (!(response instanceof HttpResponse r) || r.status().code() < 400) {
            return response;
        }
        int status = r.status().code();
        ReferenceCountUtil.release(response);
        return status == HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code()
                ? tooLarge()
                : ApiHandler.error(status, ApiException.EXPECTATION_FAILED, "cannot meet 'Expect: "
                        + start.headers().get(HttpHeaderNames.EXPECT) + "'; only 100-continue is supported");
    }

    /**
     * Answers 413 as Netty does: closes the connection when the body is already here (or the client
     * wants no keep-alive), otherwise keeps it and lets the aggregator discard the body as it arrives.
     */
    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
        if (!(oversized instanceof HttpRequest)) {
            super.handleOversizedMessage(ctx, oversized);
            return;
        }
        boolean close = oversized instanceof FullHttpMessage
                || !HttpUtil.is100ContinueExpected(oversized) && !HttpUtil.isKeepAlive(oversized);
        FullHttpResponse response = tooLarge();
        if (close) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        }
    }

    private FullHttpResponse tooLarge() {
        return ApiHandler.error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code(), ApiException.PAYLOAD_TOO_LARGE,
                "request body over " + maxContentLength + " bytes");
    }
}
