package io.basalt.api.http;

import io.basalt.api.ApiException;
import io.basalt.api.model.ErrorBody;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * One HTTP request's life: decode, authenticate, route, run the handler, answer. Every refusal
 * becomes a JSON {@link ErrorBody}; only a bug becomes a 500. Management traffic only: handlers may
 * block (they write metadata files), so this runs on the API's own event loop, never the data path's.
 */
final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
    private final Router router;
    private final Authenticator auth;

    ApiHandler(Router router, Authenticator auth) {
        this.router = router;
        this.auth = auth;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        // After a framing error the rest of the byte stream cannot be trusted: answer, then end it.
        boolean keepAlive = HttpUtil.isKeepAlive(req) && req.decoderResult().isSuccess();
        FullHttpResponse resp;
        try {
            resp = toHttp(dispatch(req));
        } catch (ApiException e) {
            resp = error(e.status(), e.code(), e.reason());
        } catch (Router.MethodNotAllowed e) {
            resp = error(405, ApiException.METHOD_NOT_ALLOWED, e.getMessage());
            resp.headers().set(HttpHeaderNames.ALLOW, String.join(", ", e.allowed()));
        } catch (RuntimeException e) {
            LOG.error("{} {} failed", req.method(), req.uri(), e);
            resp = error(500, ApiException.INTERNAL, "internal error: " + e);
        }
        if (keepAlive) {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(resp);
        } else {
            ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private ApiResponse dispatch(FullHttpRequest req) {
        if (req.decoderResult().isFailure()) {
            throw ApiException.invalid("malformed HTTP request: " + req.decoderResult().cause().getMessage());
        }
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        String method = req.method().name();
        Router.Match match = router.match(method.equals(HttpMethod.HEAD.name()) ? "GET" : method, uri.rawPath());
        Role role = null;
        if (match.route().role() != null) {
            role = auth.authenticate(req.headers().get(HttpHeaderNames.AUTHORIZATION));
            if (!role.covers(match.route().role())) {
                throw new ApiException(403, ApiException.FORBIDDEN, "this needs the "
                        + match.route().role().name().toLowerCase(Locale.ROOT) + " role");
            }
        }
        byte[] body = ByteBufUtil.getBytes(req.content());
        if (body.length > 0) {
            String type = req.headers().get(HttpHeaderNames.CONTENT_TYPE);
            if (type != null && !type.toLowerCase(Locale.ROOT).contains("json")) {
                throw new ApiException(415, ApiException.UNSUPPORTED_MEDIA_TYPE, "request bodies must be "
                        + "application/json, not " + type);
            }
        }
        return match.route().handler().handle(new ApiRequest(method, uri.path(), match.params(), uri.parameters(),
                body, role));
    }

    private static FullHttpResponse toHttp(ApiResponse r) {
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()),
                Unpooled.wrappedBuffer(r.body()));
        if (r.contentType() != null) {
            resp.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
        }
        resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
        return resp;
    }

    static FullHttpResponse error(int status, String code, String reason) {
        return toHttp(ApiResponse.json(status, Json.write(new ErrorBody(code, reason))));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("API connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
